#!/usr/bin/env bash
# The operator's one-time smoke run on a real AWS account (deploy/README.md, "The smoke run"): checks that the AWS
# CLI is signed in, fills the OneOff__... settings from the stack's outputs when --stack is given, and runs the
# published dashboard's `smoke` verb, which prints one line per item and a summary. Exit 0: nothing NOT confirmed;
# 1: something NOT confirmed; 2: bad arguments, no sign-in, no app, or a bad setting.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: deploy/smoke.sh [--stack NAME] [--app DIR] [--keep] [--lease-check] [--timeout MINUTES]

Runs the published dashboard's smoke verb against the AWS account and deployment it is configured for, and prints
its report: one line per item, "confirmed", "NOT confirmed: why" or "not checkable here: why".

  --stack NAME      read the settings from the CloudFormation stack's outputs (every output whose description is
                    an OneOff__... variable, as deploy/README.md step 2 does) and set OneOff__Mode=Aws; without it
                    the OneOff__... variables already set in the environment are used
  --app DIR         the published dashboard (the folder with OneOff.Dashboard.dll and bundle/); default: the
                    folder `dotnet publish src/Dashboard -c Release -r linux-x64 --self-contained false
                    -o artifacts/oneoff` writes, artifacts/oneoff in this repository
  --keep            keep the smoke runs' outputs and the report in the bucket (default: removed)
  --lease-check     also check the cluster lease (one more cluster for about 20 minutes)
  --timeout MIN     terminate every cluster and stop after MIN minutes (default 60)
  -h, --help        this text

Credentials come from the AWS default chain (a profile's exported session, an instance role), as for the
dashboard. With AWS_ENDPOINT_URL* set (the stand-ins of tests/standins/start) the sign-in check is skipped and
what only an account can prove is reported "not checkable here".
EOF
}

fail() {
  echo "smoke.sh: $*" >&2
  exit 2
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
app="$(dirname "$here")/artifacts/oneoff"
stack=""
verb_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --stack) [ $# -ge 2 ] && [ -n "$2" ] || fail "--stack needs a stack name, e.g. --stack oneoff"; stack="$2"; shift 2 ;;
    --app) [ $# -ge 2 ] && [ -n "$2" ] || fail "--app needs the published dashboard's folder"; app="$2"; shift 2 ;;
    --keep|--lease-check) verb_args+=("$1"); shift ;;
    --timeout) [ $# -ge 2 ] || fail "--timeout needs a number of minutes"; verb_args+=("$1" "$2"); shift 2 ;;
    *) fail "unknown argument '$1'; see deploy/smoke.sh --help" ;;
  esac
done

# The stand-ins: any endpoint override the AWS SDKs (and OneOff's clients) honour, unless overrides are switched off.
stand_in=""
if [ "${AWS_IGNORE_CONFIGURED_ENDPOINT_URLS:-}" != "true" ]; then
  for name in AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 AWS_ENDPOINT_URL_EMR AWS_ENDPOINT_URL_ATHENA; do
    if [ -n "${!name:-}" ]; then stand_in="$name"; fi
  done
fi

if [ -z "$stand_in" ] || [ -n "$stack" ]; then
  command -v aws >/dev/null 2>&1 || fail "the AWS CLI (aws) is not on PATH; install it (deploy/README.md, 'What you need')"
fi

if [ -z "$stand_in" ]; then
  if ! who=$(aws sts get-caller-identity --query Arn --output text 2>&1); then
    fail "the AWS CLI cannot sign in (aws sts get-caller-identity: $(echo "$who" | tr '\n' ' ' | sed 's/ *$//')); sign in (aws sso login, export the profile's session) and try again"
  fi
  echo "smoke.sh: signed in as $who" >&2
fi

if [ -n "$stack" ]; then
  if ! outputs=$(aws cloudformation describe-stacks --stack-name "$stack" \
      --query "Stacks[0].Outputs[?starts_with(Description, 'OneOff__')].[Description,OutputValue]" --output text 2>&1); then
    fail "could not read the outputs of stack '$stack': $(echo "$outputs" | tr '\n' ' ' | sed 's/ *$//')"
  fi
  count=0
  while read -r name value; do
    # Only OneOff__ names, and the value as one word: nothing from the stack is evaluated as shell.
    [[ "$name" =~ ^OneOff__[A-Za-z0-9_]+$ ]] || continue
    export "$name=$value"
    count=$((count + 1))
  done <<< "$outputs"
  [ "$count" -gt 0 ] || fail "stack '$stack' has no OneOff__... outputs; is it deploy/oneoff.yaml's stack?"
  export OneOff__Mode=Aws
  echo "smoke.sh: $count settings from stack '$stack'" >&2
fi

[ -f "$app/OneOff.Dashboard.dll" ] || fail "no published dashboard in '$app' (no OneOff.Dashboard.dll); publish it: dotnet publish src/Dashboard -c Release -r linux-x64 --self-contained false -o artifacts/oneoff, or pass --app DIR"
command -v dotnet >/dev/null 2>&1 || fail "dotnet is not on PATH; the dashboard needs the .NET 10 runtime (ASP.NET Core)"

# The verb composes the app from these settings exactly as the dashboard does, and prints the report.
exec dotnet "$app/OneOff.Dashboard.dll" smoke ${verb_args[@]+"${verb_args[@]}"}
