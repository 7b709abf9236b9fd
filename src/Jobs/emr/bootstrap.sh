#!/usr/bin/env bash
# EMR bootstrap action: installs the oneoff-job bundle on this node and, on the primary node, schedules the
# cluster-side lease (ARCHITECTURE "The EMR path", items 1 and 7).
#
#   bootstrap.sh ARTIFACTS_URI [INSTALL_DIR] [LEASE_MINUTES]
#
#   ARTIFACTS_URI  s3://bucket/prefix/artifacts/{contentHash}/ (the folder BundleUploader completed)
#   INSTALL_DIR    where oneoff-job and driver.py go (default /opt/oneoff; an empty argument means the default)
#   LEASE_MINUTES  MaxLifetimeMinutes: the primary node shuts itself down this many minutes from now, so a hung step
#                  ends even when the control plane is gone; omitted: no lease (a warning says so)
#
# Bootstrap actions run on every node as the hadoop user, with root through sudo, before EMR installs the
# applications (EMR Management Guide, "Create bootstrap actions to install additional software"). Each failing step
# prints its own "oneoff bootstrap:" line on stderr and exits non-zero, which EMR reports as BOOTSTRAP_FAILURE.
#
# ONEOFF_INSTANCE_INFO overrides where the node's instance.json is read (the EMR stand-in points it into the node's
# own folder); the default is EMR's own path.
set -euo pipefail

readonly default_install=/opt/oneoff
instance_info="${ONEOFF_INSTANCE_INFO:-/mnt/var/lib/info/instance.json}"

fail() {
  echo "oneoff bootstrap: $*" >&2
  exit 1
}

if [ $# -lt 1 ] || [ $# -gt 3 ] || [ -z "$1" ]; then
  echo "usage: bootstrap.sh s3://bucket/prefix/artifacts/HASH/ [INSTALL_DIR (default $default_install)] [LEASE_MINUTES]" >&2
  exit 2
fi
artifacts="${1%/}"
install_dir="${2:-$default_install}"
lease_minutes="${3:-}"
case "$artifacts" in
  s3://*) ;;
  *) echo "oneoff bootstrap: the artifacts URI must start with s3:// (got '$artifacts')" >&2; exit 2 ;;
esac
case "$install_dir" in
  /*) ;;
  *) echo "oneoff bootstrap: the install folder must be an absolute path (got '$install_dir')" >&2; exit 2 ;;
esac
if [ -n "$lease_minutes" ] && ! [[ "$lease_minutes" =~ ^[1-9][0-9]*$ ]]; then
  echo "oneoff bootstrap: the lease must be a whole number of minutes above 0 (got '$lease_minutes')" >&2
  exit 2
fi

arch="$(uname -m)"
case "$arch" in
  x86_64) rid=linux-x64 ;;
  aarch64) rid=linux-arm64 ;;
  *) fail "unsupported architecture '$arch': the bundle has linux-x64 (x86_64) and linux-arm64 (aarch64) builds" ;;
esac

tmp="$(mktemp -d)" || fail "cannot create a temporary folder"
trap 'rm -rf "$tmp"' EXIT

tarball="oneoff-job-$rid.tar.gz"
aws s3 cp "$artifacts/$tarball" "$tmp/$tarball" --only-show-errors \
  || fail "could not download $artifacts/$tarball (is the bundle uploaded, and may the cluster's EC2 role read it?)"
aws s3 cp "$artifacts/driver.py" "$tmp/driver.py" --only-show-errors \
  || fail "could not download $artifacts/driver.py (is the bundle uploaded, and may the cluster's EC2 role read it?)"

sudo mkdir -p "$install_dir" || fail "could not create the install folder $install_dir"
sudo chmod 0755 "$install_dir" || fail "could not make the install folder $install_dir readable"
# Owner and modes come from the archive (root, 0755/0644), so the hadoop user can run what root unpacked.
sudo tar -xzf "$tmp/$tarball" -C "$install_dir" --no-same-owner \
  || fail "could not unpack $tarball into $install_dir (the download may be damaged: its SHA-256 is listed in $artifacts/_complete)"
sudo install -m 0644 "$tmp/driver.py" "$install_dir/driver.py" || fail "could not install driver.py into $install_dir"
[ -x "$install_dir/oneoff-job" ] || fail "$tarball has no executable oneoff-job"

if ! help_output="$("$install_dir/oneoff-job" --help 2>&1)"; then
  fail "$install_dir/oneoff-job --help failed on this node ($arch); its output ends with: $(printf '%s' "$help_output" | tail -n 5)"
fi
echo "oneoff bootstrap: installed oneoff-job ($rid) and driver.py in $install_dir"

# The primary node is the one whose instance.json says "isMaster": true. Sources: EMR Developer Guide
# (docs.amazonwebservices.com/ElasticMapReduce/2009-03-31/DeveloperGuide/Config_JSON.html): each node has
# /mnt/var/lib/info/instance.json, where isMaster "Indicates that is the master node"; AWS Knowledge Center
# (repost.aws/knowledge-center/bootstrap-step-emr): bootstrap actions can run commands conditionally on instance.json.
is_primary=false
if [ -r "$instance_info" ] && grep -Eq '"isMaster"[[:space:]]*:[[:space:]]*true' "$instance_info"; then
  is_primary=true
fi
if [ "$is_primary" = true ]; then
  if [ -n "$lease_minutes" ]; then
    # shutdown -h +M halts the primary node M minutes from now; EMR then ends the cluster. Scheduled by systemd, so
    # it survives this script and needs no process of ours.
    sudo shutdown -h "+$lease_minutes" "oneoff: cluster lease of $lease_minutes minutes expired" \
      || fail "could not schedule the cluster lease (shutdown -h +$lease_minutes)"
    echo "oneoff bootstrap: primary node; cluster lease scheduled: shutdown in $lease_minutes minutes"
  else
    echo "oneoff bootstrap: warning: primary node but no lease minutes given; no shutdown scheduled" >&2
  fi
fi
