#!/usr/bin/env bash
# An Aws run's page data on the stand-ins (moto S3 + the Athena stand-in) against the same run in local mode:
# first view (uncached: Athena queries, or DuckDB) and second view (cached), wall time and Athena calls, and the ratio.
# Not a test: numbers vary by machine and load. Options: --views N (default 5), --train-size N (default 15000).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build bench/OneOff.AwsResultsBench -c Release -nologo -v q >/dev/null
exec dotnet bench/OneOff.AwsResultsBench/bin/Release/net10.0/OneOff.AwsResultsBench.dll "$@"
