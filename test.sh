#!/usr/bin/env bash
# The one test command: installs what the tests need (idempotently), builds, runs every test project,
# and ends with the line "N passed, N failed[, N skipped]".
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say() { printf '\n== %s\n' "$*" >&2; }

# --- Debian packages -------------------------------------------------------------------------
# chromium: Playwright's browser (never `playwright install`); python3-sklearn + libopenblas0-pthread:
# the reference peer of the XO study (Debian's /usr/bin/python3).
apt_needed=()
[ -x /usr/bin/chromium ] || apt_needed+=(chromium)
/usr/bin/python3 -c 'import sklearn' 2>/dev/null || apt_needed+=(python3-sklearn)
dpkg -s libopenblas0-pthread >/dev/null 2>&1 || apt_needed+=(libopenblas0-pthread)
command -v node >/dev/null 2>&1 || apt_needed+=(nodejs npm)
# The job bundle's tests: readelf (binutils) reads the glibc versions its ELF files need; qemu-user with the arm64
# cross libraries runs the linux-arm64 build (qemu-aarch64 -L /usr/aarch64-linux-gnu).
command -v readelf >/dev/null 2>&1 || apt_needed+=(binutils)
command -v qemu-aarch64 >/dev/null 2>&1 || apt_needed+=(qemu-user)
dpkg -s libc6-arm64-cross >/dev/null 2>&1 || apt_needed+=(libc6-arm64-cross)
dpkg -s libstdc++6-arm64-cross >/dev/null 2>&1 || apt_needed+=(libstdc++6-arm64-cross)
if [ ${#apt_needed[@]} -gt 0 ]; then
  say "installing Debian packages: ${apt_needed[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${apt_needed[@]}" >/dev/null
fi

# --- npm packages (the official AWS SDK for JavaScript, the wire reference for our clients) ---
for dir in tests/*/npm; do
  if [ -f "$dir/package.json" ] && [ ! -d "$dir/node_modules" -o "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
    say "npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done

# --- build and test --------------------------------------------------------------------------
say "building"
dotnet build OneOff.sln -c Release -nologo -v q

say "testing"
log="$(mktemp)"
set +e
dotnet test --solution OneOff.sln -c Release --no-build --output detailed 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# The end of the output is what a CI page shows: repeat there the slowest tests and every failure with its first lines.
say "slowest tests"
grep -E '^(passed|failed) .* \(([0-9]+m )?[0-9]+s [0-9]+ms\)$' "$log" \
  | sed -E 's/^(passed|failed) (.*) \((([0-9]+)m )?([0-9]+)s ([0-9]+)ms\)$/0\4 \5 \6 \2/' \
  | awk '{ printf "%7.1f s  %s\n", $1 * 60 + $2 + $3 / 1000, $4 }' | sort -rn | head -12 >&2 || true
if grep -qE '^failed ' "$log"; then
  say "failed tests"
  awk '/^failed /{n = 14} /^(passed|skipped) /{n = 0} n > 0 && !/^[ \t]+at /{print; n--}' "$log" >&2
fi

sum() { grep -E "^\s*$1: [0-9]+" "$log" | awk '{s += $2} END {print s + 0}'; }
total=$(sum total); failed=$(sum failed); passed=$(sum succeeded); skipped=$(sum skipped)
if [ "$total" = 0 ]; then
  echo "no test ran" >&2
  status=1
fi
rm -f "$log"
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
exit "$status"
