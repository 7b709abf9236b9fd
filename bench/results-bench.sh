#!/usr/bin/env bash
# The run page's speed on this machine (not a test: numbers vary by machine and load):
#   1. Run job with the default study → every plot drawn (headless Debian chromium, WebGL pixels checked);
#   2. the server time of a run page's data (ResultsService.GetRunResultsAsync), uncached (all queries) and cached;
#   3. the run page under 50 concurrent signed-in sessions from a loopback client: p50/p95 and errors.
# Everything binds to 127.0.0.1; the data root is a temp folder deleted at the end.
# Options: --runs N (default 3), --sessions N (default 50), --requests N per session (default 20).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build bench/OneOff.ResultsBench -c Release -nologo -v q >/dev/null
exec dotnet bench/OneOff.ResultsBench/bin/Release/net10.0/OneOff.ResultsBench.dll "$@"
