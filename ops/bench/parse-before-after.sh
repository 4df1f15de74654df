#!/usr/bin/env bash
# Compares two builds of `herdwatch-agent parse` side by side on the same file, pinned to one
# core, alternating (old, new, old, new, …); prints each one's median CPU (user+sys) seconds,
# its runs, its largest peak RSS, and new/old events per CPU-second.
#
# Input: the "typical" input of parse-vs-laurel.sh (the capture without serial 1172, replicated
# by make-input.py). Keep a copy of the old binary first, e.g.
#   git stash; swift build -c release --product herdwatch-agent; cp .build/release/herdwatch-agent /tmp/old
#
# Usage: ops/bench/parse-before-after.sh OLD_AGENT NEW_AGENT [EVENTS=300000] [RUNS=5]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
old=$1 new=$2 events=${3:-300000} runs=${4:-5}
out="$root/ops/bench/out"
mkdir -p "$out"
python3 "$root/ops/bench/make-input.py" "$root/Tests/AuditCoreTests/Fixtures/capture-raw.log" "$events" "$out/ab.log" 1172 2> /dev/null
cmp <("$old" parse "$out/ab.log") <("$new" parse "$out/ab.log") > /dev/null || echo "warning: the two builds print different output" >&2
: > "$out/old.times"
: > "$out/new.times"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for _ in $(seq "$runs"); do
    for side in old new; do
        bin=$old
        [ "$side" = new ] && bin=$new
        /usr/bin/time -f "%U %S %M" -o "$out/time.txt" taskset -c 0 "$bin" parse "$out/ab.log" > /dev/null
        cat "$out/time.txt" >> "$out/$side.times"
    done
done
python3 - "$out/old.times" "$out/new.times" <<'PY'
import statistics, sys
med = {}
for name, path in (("old", sys.argv[1]), ("new", sys.argv[2])):
    rows = [list(map(float, l.split())) for l in open(path) if l.strip()]
    cpu = [r[0] + r[1] for r in rows]
    med[name] = statistics.median(cpu)
    print(f"{name}: cpu median {med[name]:.2f} s  runs {' '.join(f'{c:.2f}' for c in cpu)}  peak RSS {max(r[2] for r in rows) / 1024:.1f} MB")
print(f"new/old events per CPU-second: {med['old'] / med['new']:.2f}x")
PY
rm -f "$out/ab.log"
