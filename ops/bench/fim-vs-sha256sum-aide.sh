#!/usr/bin/env bash
# Scan throughput of `herdwatch-agent scan` against sha256sum (the practical limit: one
# thread reading and hashing) and AIDE (configured for SHA-256 as its only checksum), side by
# side, on two trees this script builds itself:
#   large/  LARGE_FILES files of LARGE_MB MiB of random bytes  (MB/s is what matters)
#   small/  SMALL_FILES files of 1-4 KiB in directories of 1,000 (files/s is what matters)
#
# All runs are warm-cache: nothing is dropped from the page cache (that needs root and
# disturbs the other users of the machine); each tool runs once untimed to warm up, then
# RUNS timed runs, and the median is reported. Each herdwatch run starts with an empty state
# directory, so it hashes every file and prints the full inventory (to /dev/null), like
# `aide --init` and sha256sum.
#
# Usage: ops/bench/fim-vs-sha256sum-aide.sh [WORK_DIR]
#   RUNS=5 LARGE_FILES=4 LARGE_MB=256 SMALL_FILES=100000 ops/bench/fim-vs-sha256sum-aide.sh /tmp/fim-bench
# Needs: swift, sha256sum (coreutils), aide (apt-get install aide), python3.
# Takes about 5 minutes on 2 cores with the defaults (tree creation ~1 min).
set -euo pipefail

RUNS=${RUNS:-5}
LARGE_FILES=${LARGE_FILES:-4}
LARGE_MB=${LARGE_MB:-256}
SMALL_FILES=${SMALL_FILES:-100000}
WORK=${1:-/tmp/herdwatch-fim-bench}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
OUT="$REPO/ops/bench/out"
started=$(date +%s)

command -v aide >/dev/null || { echo "aide is not installed: apt-get install aide" >&2; exit 2; }
mkdir -p "$WORK" "$OUT"

echo "== building herdwatch-agent (release)"
if ! build_log=$(cd "$REPO" && swift build -c release --product herdwatch-agent 2>&1); then
    echo "$build_log" >&2; exit 1
fi
AGENT="$REPO/.build/release/herdwatch-agent"

echo "== trees in $WORK"
if [ ! -f "$WORK/large/.done-$LARGE_FILES-$LARGE_MB" ]; then
    rm -rf "$WORK/large"; mkdir -p "$WORK/large"
    for i in $(seq 1 "$LARGE_FILES"); do head -c "$((LARGE_MB * 1024 * 1024))" /dev/urandom >"$WORK/large/file-$i"; done
    touch "$WORK/large/.done-$LARGE_FILES-$LARGE_MB"
fi
if [ ! -f "$WORK/small/.done-$SMALL_FILES" ]; then
    rm -rf "$WORK/small"
    python3 - "$WORK/small" "$SMALL_FILES" <<'PY'
import os, random, sys
root, count = sys.argv[1], int(sys.argv[2])
rng = random.Random(8)
for i in range(count):
    directory = os.path.join(root, "d%04d" % (i // 1000))
    if i % 1000 == 0:
        os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "f%06d" % i), "wb") as f:
        f.write(rng.randbytes(rng.randint(1024, 4096)))
PY
    touch "$WORK/small/.done-$SMALL_FILES"
fi

aide_config() { # tree dbfile
    cat <<CONF
database_out=file:$2
gzip_dbout=no
report_url=stdout
log_level=error
FIM = p+i+u+g+s+m+sha256
$1 FIM
!$1/\.done-.*
CONF
}

run_tool() { # tool tree
    local tree=$1/$2 state
    case $1 in
    herdwatch)
        state=$(mktemp -d "$WORK/state.XXXXXX")
        "$AGENT" scan --host bench --path "$WORK/$2" --state-dir "$state" --exclude '.done-*' >/dev/null
        rm -rf "$state" ;;
    sha256sum)
        find "$WORK/$2" -type f ! -name '.done-*' -print0 | xargs -0 sha256sum >/dev/null ;;
    aide)
        aide_config "$WORK/$2" "$WORK/aide.db" >"$WORK/aide.conf"
        rm -f "$WORK/aide.db"
        aide --init --config="$WORK/aide.conf" >/dev/null 2>&1 || true
        [ -s "$WORK/aide.db" ] || { echo "aide wrote no database" >&2; exit 1; } ;;
    esac
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

results="$OUT/fim-bench-$(date -u +%Y%m%dT%H%M%SZ).txt"
printf '%-10s %-6s %8s %10s %12s %9s %10s\n' tool tree files MB "median s" "files/s" "MB/s" | tee "$results"
for tree in large small; do
    files=$(find "$WORK/$tree" -type f ! -name '.done-*' | wc -l)
    bytes=$(find "$WORK/$tree" -type f ! -name '.done-*' -printf '%s\n' | awk '{s+=$1} END {print s}')
    for tool in sha256sum herdwatch aide; do
        run_tool $tool $tree  # warm-up, untimed
        times=()
        for _ in $(seq 1 "$RUNS"); do
            t0=$(date +%s.%N); run_tool $tool $tree; t1=$(date +%s.%N)
            times+=("$(echo "$t1 - $t0" | bc -l)")
        done
        m=$(printf '%s\n' "${times[@]}" | median)
        printf '%-10s %-6s %8d %10.0f %12.3f %9.0f %10.1f\n' $tool $tree "$files" "$(echo "$bytes / 1000000" | bc -l)" "$m" \
            "$(echo "$files / $m" | bc -l)" "$(echo "$bytes / 1000000 / $m" | bc -l)" | tee -a "$results"
    done
done
echo "(MB = 10^6 bytes; warm cache; median of $RUNS runs after one warm-up run; $(nproc) cores; took $(( $(date +%s) - started )) s)" | tee -a "$results"
echo "results: $results"
