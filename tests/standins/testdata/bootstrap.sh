#!/usr/bin/env bash
# A small bootstrap action for the stand-in tests (the real one is src/Jobs/emr/bootstrap.sh):
#   bootstrap.sh INSTALL_DIR [LEASE_MINUTES] [FAIL]
# Installs a marker into INSTALL_DIR (default /opt/oneoff) with sudo, records whether this is the primary node
# from instance.json, and on the primary schedules the cluster-side lease with `sudo shutdown -h +MINUTES`.
set -euo pipefail
install=${1:-/opt/oneoff}
lease=${2:-}
[ "${3:-}" = fail ] && { echo "bootstrap.sh: failing as asked" >&2; exit 3; }
info=/mnt/var/lib/info/instance.json
[ -r "$info" ] || info=${EMR_STANDIN_INFO_DIR:-/nonexistent}/instance.json
is_master=$(python3 -c 'import json,sys; print(str(json.load(open(sys.argv[1]))["isMaster"]).lower())' "$info")
sudo mkdir -p "$install"
echo "installed on $(hostname) master=$is_master" | sudo tee "$install/marker" >/dev/null
echo "install=$install master=$is_master"
echo "bootstrap stderr line" >&2
if [ "$is_master" = true ] && [ -n "$lease" ]; then
  sudo shutdown -h "+$lease"
fi
