#!/usr/bin/env bash
# EMR bootstrap action: installs the oneoff-job bundle on every node.
#   bootstrap.sh s3://bucket/prefix/artifacts/{contentHash}
# The bundle holds self-contained oneoff-job builds for linux-x64 and linux-arm64 (invariant globalization, so
# no ICU is needed) and the PySpark driver; the node's architecture picks the build.
set -euo pipefail
artifacts="${1:?usage: bootstrap.sh s3://bucket/prefix/artifacts/HASH}"
case "$(uname -m)" in
  x86_64) rid=linux-x64 ;;
  aarch64) rid=linux-arm64 ;;
  *) echo "oneoff bootstrap: unsupported architecture $(uname -m)" >&2; exit 1 ;;
esac
sudo mkdir -p /opt/oneoff
tmp="$(mktemp -d)"
aws s3 cp "$artifacts/oneoff-job-$rid.tar.gz" "$tmp/job.tar.gz" --only-show-errors
aws s3 cp "$artifacts/driver.py" "$tmp/driver.py" --only-show-errors
sudo tar -xzf "$tmp/job.tar.gz" -C /opt/oneoff
sudo install -m 0644 "$tmp/driver.py" /opt/oneoff/driver.py
sudo chmod 0755 /opt/oneoff/oneoff-job
rm -rf "$tmp"
/opt/oneoff/oneoff-job --help >/dev/null
echo "oneoff bootstrap: installed oneoff-job ($rid) in /opt/oneoff"
