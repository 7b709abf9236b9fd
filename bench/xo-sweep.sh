#!/usr/bin/env bash
# The XO sweep against its peer, in one go on this machine:
#   1. `oneoff-job sweep` on the full default study (wall time of the whole process: start, data, 10 fits,
#      10 grids, Parquet, manifest), best of 3 runs, as deployed (ReadyToRun-published, as the EMR bundle is) and
#      as built (`dotnet oneoff-job.dll`, JIT start-up);
#   2. scikit-learn's MLPClassifier (Debian python3-sklearn on OpenBLAS) on the same data, same settings;
#   3. the sweep's arithmetic floor: multiply-adds and exps actually performed, at this machine's measured rates.
# Prints per-N time and accuracy side by side, the totals and the ratio. Not a test: numbers vary by machine.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

dotnet build src/Jobs -c Release -nologo -v q >/dev/null
dotnet build bench/OneOff.Bench -c Release -nologo -v q >/dev/null
dotnet publish src/Jobs -c Release -nologo -v q -r "$(dotnet --info | awk '/^ RID:/ {print $2; exit}')" --self-contained false \
  -p:PublishReadyToRun=true -o "$work/job" >/dev/null
bench="bench/OneOff.Bench/bin/Release/net10.0/OneOff.Bench.dll"

# best_of VARIANT COMMAND...: best wall time of 3 default sweeps; sets $best and $bestrun.
best_of() {
  local variant=$1; shift
  best=""
  for i in 1 2 3; do
    local start end t
    start=$(date +%s.%N)
    "$@" sweep --out "$work/out" --run-id "bench-$variant-$i" --json > "$work/events-$variant-$i.jsonl"
    end=$(date +%s.%N)
    t=$(echo "$end - $start" | bc -l)
    echo "  $variant run $i: ${t} s" >&2
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; bestrun=$variant-$i; fi
  done
}

echo "== oneoff-job sweep (default study), best of 3" >&2
best_of built dotnet src/Jobs/bin/Release/net10.0/oneoff-job.dll
built=$best
best_of deployed "$work/job/oneoff-job"

echo "== scikit-learn (same data, same settings)" >&2
dotnet "$bench" export "$work/data"
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, where this machine sets them, slow a current numpy: unset them for the peer only.
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/sklearn_xo.py "$work/data" 51 > "$work/sklearn.jsonl"

echo "== arithmetic floor" >&2
dotnet "$bench" floor > "$work/floor.txt"

/usr/bin/python3 - "$work/events-$bestrun.jsonl" "$work/sklearn.jsonl" "$work/floor.txt" "$best" "$built" <<'PY'
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
ours = {e["n_hidden"]: e for e in events if e["event"] == "model_done"}
theirs = [json.loads(l) for l in open(sys.argv[2])]
sk_total = theirs[-1]["total_seconds"]
sk = {e["n_hidden"]: e for e in theirs if "n_hidden" in e}
wall = float(sys.argv[4])
print(f"{'N':>5} | {'oneoff fit s':>12} {'test acc':>9} | {'sklearn fit s':>13} {'test acc':>9} | {'speed-up':>8}")
for n in sorted(ours):
    o, s = ours[n], sk[n]
    print(f"{n:>5} | {o['fit_seconds']:>12.3f} {o['test_acc']:>9.4f} | {s['fit_seconds']:>13.3f} {s['test_acc']:>9.4f} | {s['fit_seconds'] / o['fit_seconds']:>7.1f}x")
print(f"oneoff-job sweep, whole process, ReadyToRun (best of 3): {wall:.3f} s")
print(f"oneoff-job sweep, whole process, JIT build  (best of 3): {float(sys.argv[5]):.3f} s")
print(f"scikit-learn, fits only:                                 {sk_total:.3f} s")
print(f"ratio: {sk_total / wall:.1f}x faster (whole process against fits only)")
print(open(sys.argv[3]).read().strip().splitlines()[-1])
PY
