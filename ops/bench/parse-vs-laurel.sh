#!/usr/bin/env bash
# Benchmarks `herdwatch-agent parse` (release build) against laurel on one core, side by side on
# the same file.
#
# Input: a real capture of this machine's kernel (Tests/AuditCoreTests/Fixtures/capture-raw.log)
# replicated by make-input.py with rewritten serials and times. Two inputs are measured:
#   full    the capture as is (it holds one execve with a 9,000-byte argument split over 3 records)
#   typical the same without that event (serial 1172)
# laurel 0.5.1 (Debian: apt-get install laurel) reads the log on stdin with a config that writes
# its JSON to a file and turns off its /proc enrichment, user-db translation and env capture.
#
# Both tools read the same file in the same run, alternating (herdwatch, laurel, herdwatch, …),
# so drift in the machine's load hits both alike. Reports, per tool and input: median wall and
# CPU (user+sys) seconds over RUNS runs, events/s (events / median wall) and per CPU-second,
# MB per CPU-second, the largest peak RSS (/usr/bin/time -v), and the herdwatch/laurel ratios.
# On a shared machine wall time includes waiting for the core; the per-CPU-second figures are
# the comparable ones.
#
# Usage: ops/bench/parse-vs-laurel.sh [TYPICAL_EVENTS=1000000] [FULL_EVENTS=30000] [RUNS=5]
# "typical" is about a million events (1 GB), as the capture issue asks. laurel slows down
# badly on the long argument (about 3 MB/s on "full" against 20 MB/s on "typical"), so "full"
# gets 30,000 events: 40 MB, about 14 CPU-s a laurel run. The default needs about 6
# CPU-minutes, most of it laurel (about 8 minutes on a quiet 2-core VM); 300000 as the first
# argument takes a third of that. File sizes and the time taken are printed.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
typical_events=${1:-1000000}
full_events=${2:-30000}
runs=${3:-5}
started=$(date +%s)
out="$root/ops/bench/out"
mkdir -p "$out"
capture="$root/Tests/AuditCoreTests/Fixtures/capture-raw.log"
command -v laurel > /dev/null || { echo "laurel is not installed (apt-get install laurel)" >&2; exit 1; }

(cd "$root" && swift build -c release --product herdwatch-agent > "$out/build.log" 2>&1) || { cat "$out/build.log" >&2; exit 1; }
agent="$root/.build/release/herdwatch-agent"

cat > "$out/laurel.toml" <<TOML
directory = "$out/laurel"
statusreport-period = 0
input = "stdin"
[auditlog]
file = "audit.log"
size = 100000000000
generations = 1
[transform]
execve-argv = [ "array" ]
[translate]
universal = false
user-db = false
[enrich]
pid = false
execve-env = []
container = false
script = false
TOML
mkdir -p "$out/laurel"

# run_once TIMES FILE COMMAND...: runs COMMAND once pinned to CPU 0 on FILE, appends "wall cpu rss" to TIMES.
run_once() {
    local times=$1 file=$2
    shift 2
    rm -f "$out/laurel/audit.log"
    /usr/bin/time -v -o "$out/time.txt" taskset -c 0 "$@" < "$file" > /dev/null 2> "$out/stderr.txt"
    awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + t[i] }
                /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident/ { r = $2 }
                END { print w, u + s, r }' "$out/time.txt" >> "$times"
}

# summarize NAME EVENTS FILE TIMES: prints one result line from the runs in TIMES.
summarize() {
    python3 - "$1" "$2" "$(stat -c %s "$3")" "$4" <<'PY'
import statistics, sys
name, n, size, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rows = [tuple(map(float, line.split())) for line in open(path) if line.strip()]
wall = statistics.median(r[0] for r in rows)
cpu = statistics.median(r[1] for r in rows)
rss = max(r[2] for r in rows) / 1024
print(f"{name:<26} {n:>9} ev {size / 1e6:>8.1f} MB  wall {wall:>7.2f} s  cpu {cpu:>7.2f} s  "
      f"{n / wall:>9,.0f} ev/s  {n / max(cpu, 1e-9):>9,.0f} ev/cpu-s  "
      f"{size / 1e6 / max(cpu, 1e-9):>6.1f} MB/cpu-s  peak RSS {rss:>5.1f} MB")
with open(path.rsplit("/", 1)[0] + "/results.txt", "a") as f:
    f.write(f"{name.split()[0]} {name.split('(')[1].rstrip(')')} {n / max(cpu, 1e-9)} {n / wall}\n")
PY
}

echo "one core (taskset -c 0), $runs runs each, medians; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
: > "$out/results.txt"
for variant in full typical; do
    skip=""
    events=$full_events
    [ "$variant" = typical ] && skip=1172 && events=$typical_events
    python3 "$root/ops/bench/make-input.py" "$capture" "$events" "$out/$variant.log" $skip 2> "$out/make.txt"
    n=$(awk '{ print $NF == "events" ? $(NF-1) : 0 }' "$out/make.txt")
    : > "$out/herdwatch.times"
    : > "$out/laurel.times"
    for _ in $(seq "$runs"); do
        run_once "$out/herdwatch.times" "$out/$variant.log" "$agent" parse -
        run_once "$out/laurel.times" "$out/$variant.log" laurel -c "$out/laurel.toml"
    done
    summarize "herdwatch parse ($variant)" "$n" "$out/$variant.log" "$out/herdwatch.times"
    summarize "laurel ($variant)" "$n" "$out/$variant.log" "$out/laurel.times"
    rm -f "$out/$variant.log" "$out/laurel/audit.log"
done
python3 - "$out/results.txt" <<'PY'
import sys
r = {}
for line in open(sys.argv[1]):
    tool, variant, per_cpu, per_wall = line.split()
    r[(tool, variant)] = (float(per_cpu), float(per_wall))
for variant in ("full", "typical"):
    h, l = r[("herdwatch", variant)], r[("laurel", variant)]
    print(f"{variant}: herdwatch/laurel = {h[0] / l[0]:.1f}x per CPU-second, {h[1] / l[1]:.1f}x per wall-second")
PY
echo "took $(( $(date +%s) - started )) s"
