#!/usr/bin/env bash
# The run list's server time on this machine (not a test: numbers vary by machine and load), over --records run
# records (default 1000) in a real SQLite database: for page 1, a filtered page and a page sorted by best N,
#   1. the database query (RunQueries.PageAsync: filter, count, sort, page in SQLite),
#   2. the query and the view model (RunListViewModel.ShowAsync, what the page calls),
#   3. the whole page rendered by the server for a signed-in user (GET /?…, in memory through TestServer),
# each side by side with the peer: every record loaded and then filtered, sorted and paged in memory.
# The data root is a temp folder deleted at the end. Options: --records N, --iterations N (default 40).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build bench/OneOff.RunListBench -c Release -nologo -v q >/dev/null
exec dotnet bench/OneOff.RunListBench/bin/Release/net10.0/OneOff.RunListBench.dll "$@"
