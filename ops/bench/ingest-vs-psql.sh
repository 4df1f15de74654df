#!/usr/bin/env bash
# Benchmarks the ingest path: `herdwatch-agent replay` (release build) against psql running the
# same ingest SQL on the same rows, on one private PostgreSQL cluster started and stopped here.
#
# Input: make-input.py replicates Tests/AuditCoreTests/Fixtures/capture-raw.log (a real capture)
# to EVENTS events, without the one event carrying a 9,000-byte execve argument (serial 1172),
# as the "typical" input of parse-vs-laurel.sh.
#
# Cluster: PostgreSQL from PATH/pg_config in a temp dir, unix socket only, the server's defaults
# (fsync on, synchronous_commit on, full_page_writes on, shared_buffers 128MB, max_wal_size 1GB)
# plus track_commit_timestamp=on as the service uses. One database is migrated once and used as
# the template of a fresh, identical, empty database for every run. CHECKPOINT before each run.
#
# Agent side: `herdwatch-agent replay LOG --host web-01 --batch-events BATCH`: decode, map,
# encode, and per batch one transaction of ingest_begin(); COPY pg_temp.ingest_events FROM
# STDIN; ingest_commit('web-01', NULL). Timed as the whole process's wall time (decode included).
# psql side: the rows the first agent run stored, exported as COPY text in the staged columns
# (ordered by ingest_seq, so the agent's order), split into files of BATCH rows, and one psql
# session running for each file: BEGIN; SELECT herdwatch.ingest_begin(); \copy
# pg_temp.ingest_events (columns) FROM file; SELECT * FROM herdwatch.ingest_commit('web-01',
# NULL); COMMIT. The same batch size and the same statements as the agent. The exported text
# differs from the agent's bytes only in jsonb's output spacing (`{"a": 1}` against `{"a":1}`),
# which makes psql's input slightly larger.
# Sides alternate agent, psql, agent, psql, …; RUNS runs each; medians.
#
# Per side: rows/s, WAL bytes per row (pg_current_wal_lsn() difference over the run), stored
# bytes per row (pg_total_relation_size of the events partitions, heap+indexes+toast, and heap
# alone), peak RSS of the client (/usr/bin/time -v). Then, unless RUN_SECONDS=0, the agent's
# peak RSS during `run` (source log-file) following a log a writer appends to at RATE events/s
# for RUN_SECONDS s.
#
# Usage: ops/bench/ingest-vs-psql.sh [EVENTS=1000000] [RUNS=3] [BATCH=2000] [RATE=5000] [RUN_SECONDS=20]
# Run as root (the cluster then belongs to the postgres user) or as an ordinary user.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
events=${1:-1000000}
runs=${2:-3}
batch=${3:-2000}
rate=${4:-5000}
run_seconds=${5:-20}
started=$(date +%s)
out="$root/ops/bench/out"
mkdir -p "$out"
capture="$root/Tests/AuditCoreTests/Fixtures/capture-raw.log"
columns="boot_id, event_time, serial, kind, syscall, success, exit_code, pid, ppid, uid, euid, auid, session_id, exe, parent_exe, comm, argv, cwd, address, port, path, rule_key, account, result, detail"

echo "building (release)"
(cd "$root" && swift build -c release --product herdwatch-agent > "$out/build.log" 2>&1 \
    && swift build -c release --product herdwatch >> "$out/build.log" 2>&1) || { tail -n 30 "$out/build.log" >&2; exit 1; }
bin="$root/.build/release"

pgbin=$(pg_config --bindir 2>/dev/null || true)
[ -x "$pgbin/initdb" ] || pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
as_db_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
work=$(mktemp -d /tmp/hw-ingest-bench.XXXXXX)
chmod 755 "$work"
mkdir -p "$work/pg"
[ "$(id -u)" = 0 ] && chown postgres: "$work/pg"
agent_pid=""
cleanup() {
    [ -n "$agent_pid" ] && kill "$(pgrep -P "$agent_pid")" 2> /dev/null || true
    as_db_owner "$pgbin/pg_ctl" -D "$work/pg/data" -m immediate stop > /dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
as_db_owner "$pgbin/initdb" -D "$work/pg/data" -U herdwatch --auth=trust -E UTF8 --locale=C > /dev/null
as_db_owner "$pgbin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w \
    -o "-k $work/pg -c listen_addresses='' -c track_commit_timestamp=on" start > /dev/null
conn() { echo "host=$work/pg user=herdwatch dbname=$1"; }
sql() { local db=$1; shift; psql "$(conn "$db")" -X -v ON_ERROR_STOP=1 -qtA "$@"; }
sql postgres -c "CREATE DATABASE hw_template" > /dev/null
"$bin/herdwatch" migrate --database-url "$(conn hw_template)" > "$out/migrate.log" 2>&1 || { cat "$out/migrate.log" >&2; exit 1; }

echo "building the input ($events events)"
python3 "$root/ops/bench/make-input.py" "$capture" "$events" "$work/input.log" 1172 2> "$out/make.txt"
n=$(awk '{ print $NF == "events" ? $(NF-1) : 0 }' "$out/make.txt")
echo "input: $n events, $(stat -c %s "$work/input.log") bytes"
echo "PostgreSQL $(sql postgres -c 'SHOW server_version'); fsync $(sql postgres -c 'SHOW fsync'), synchronous_commit $(sql postgres -c 'SHOW synchronous_commit'), track_commit_timestamp $(sql postgres -c 'SHOW track_commit_timestamp'), shared_buffers $(sql postgres -c 'SHOW shared_buffers')"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg); $runs runs each side, batches of $batch rows"

fresh_db() { sql postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1 TEMPLATE hw_template" > /dev/null; }
lsn() { sql postgres -c "SELECT pg_current_wal_lsn()"; }
# measure SIDE DB COMMAND...: times COMMAND on a fresh DB, appends "wall cpu rss wal rows total heap" to $out/SIDE.times.
measure() {
    local side=$1 db=$2
    shift 2
    fresh_db "$db"
    sql postgres -c "CHECKPOINT" > /dev/null
    local before after
    before=$(lsn)
    /usr/bin/time -v -o "$out/time.txt" "$@" > "$out/$side.stdout" 2> "$out/$side.stderr" \
        || { cat "$out/$side.stderr" >&2; exit 1; }
    after=$(lsn)
    local wal rows total heap
    wal=$(sql postgres -c "SELECT pg_wal_lsn_diff('$after', '$before')::bigint")
    read -r rows total heap < <(sql "$db" -F ' ' -c "SELECT (SELECT count(*) FROM herdwatch.events),
        (SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits WHERE inhparent = 'herdwatch.events'::regclass),
        (SELECT sum(pg_relation_size(inhrelid)) FROM pg_inherits WHERE inhparent = 'herdwatch.events'::regclass)")
    awk -F': ' -v wal="$wal" -v rows="$rows" -v total="$total" -v heap="$heap" '
        /Elapsed \(wall clock\)/ { n = split($2, t, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + t[i] }
        /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident/ { r = $2 }
        END { print w, u + s, r, wal, rows, total, heap }' "$out/time.txt" >> "$out/$side.times"
    printf '  %-5s run: %s\n' "$side" "$(tail -n 1 "$out/$side.times" | awk '{ printf "%d rows in %.2f s wall (%.2f s CPU client) = %.0f rows/s", $5, $1, $2, $5 / $1 }')"
}

: > "$out/agent.times"
: > "$out/psql.times"
for i in $(seq "$runs"); do
    measure agent "bench_a$i" "$bin/herdwatch-agent" replay "$work/input.log" --host web-01 \
        --batch-events "$batch" --database-url "$(conn "bench_a$i")"
    if [ "$i" = 1 ]; then
        sql bench_a1 -c "\\copy (SELECT $columns FROM herdwatch.events ORDER BY ingest_seq) TO '$work/rows.copy'"
        mkdir -p "$work/chunks"
        split -l "$batch" -a 5 -d "$work/rows.copy" "$work/chunks/b"
        { echo '\set ON_ERROR_STOP 1'
          for f in "$work"/chunks/b*; do
              echo "BEGIN; SELECT herdwatch.ingest_begin();"
              echo "\\copy pg_temp.ingest_events ($columns) FROM '$f'"
              echo "SELECT * FROM herdwatch.ingest_commit('web-01', NULL); COMMIT;"
          done; } > "$work/ingest.sql"
        echo "  exported $(wc -l < "$work/rows.copy") rows, $(stat -c %s "$work/rows.copy") bytes of COPY text, $(ls "$work/chunks" | wc -l) batches"
    fi
    sql postgres -c "DROP DATABASE bench_a$i" > /dev/null
    measure psql "bench_p$i" psql "$(conn "bench_p$i")" -X -q -o /dev/null -f "$work/ingest.sql"
    sql postgres -c "DROP DATABASE bench_p$i" > /dev/null
done

python3 - "$out/agent.times" "$out/psql.times" "$n" "$(stat -c %s "$work/rows.copy")" <<'PY' | tee "$out/ingest-table.md"
import statistics, sys
def load(path):
    return [tuple(map(float, line.split())) for line in open(path) if line.strip()]
sides = {"herdwatch-agent replay": load(sys.argv[1]), "psql (same rows, same SQL)": load(sys.argv[2])}
events, copy_bytes = int(sys.argv[3]), int(sys.argv[4])
rate = {}
print("| side | rows | median wall s | rows/s (median) | runs rows/s | client CPU s | WAL B/row | stored B/row (total / heap) | client peak RSS |")
print("|---|---:|---:|---:|---|---:|---:|---:|---:|")
for name, rs in sides.items():
    per = [r[4] / r[0] for r in rs]
    rate[name] = statistics.median(per)
    print(f"| {name} | {int(rs[0][4]):,} | {statistics.median(r[0] for r in rs):.2f} | {rate[name]:,.0f} | "
          f"{', '.join(f'{p:,.0f}' for p in per)} | {statistics.median(r[1] for r in rs):.2f} | "
          f"{statistics.median(r[3] / r[4] for r in rs):,.0f} | "
          f"{statistics.median(r[5] / r[4] for r in rs):,.0f} / {statistics.median(r[6] / r[4] for r in rs):,.0f} | "
          f"{max(r[2] for r in rs) / 1024:.1f} MB |")
a, p = sides["herdwatch-agent replay"], sides["psql (same rows, same SQL)"]
ratios = [x[4] / x[0] / (y[4] / y[0]) for x, y in zip(a, p)]
print()
print(f"input events {events:,}; COPY text {copy_bytes / a[0][4]:,.0f} B/row")
print(f"agent / psql rows/s: {rate['herdwatch-agent replay'] / rate['psql (same rows, same SQL)']:.0%} of medians; "
      f"per pair: {', '.join(f'{r:.0%}' for r in ratios)} (gate 80%)")
print(f"agent events/s (median): {events / statistics.median(r[0] for r in a):,.0f} (aim 100,000)")
PY

if [ "$run_seconds" -gt 0 ]; then
    echo "agent run: following a log written at $rate events/s for $run_seconds s"
    fresh_db bench_run
    mkdir -p "$work/state"
    : > "$work/live.log"
    cat > "$work/agent.yaml" <<YAML
source: log-file
log_file:
  path: $work/live.log
database:
  url: "$(conn bench_run)"
state:
  directory: $work/state
sockets:
  snapshot_interval_s: 0
log:
  level: warning
YAML
    /usr/bin/time -v -o "$out/run-time.txt" "$bin/herdwatch-agent" run --config "$work/agent.yaml" \
        > "$out/run.stdout" 2> "$out/run.stderr" &
    agent_pid=$!
    sleep 2
    # The writer appends whole events (all lines of one serial) from the input, RATE a second in
    # tenth-of-a-second slices, and reports the events it wrote.
    written=$(python3 - "$work/input.log" "$work/live.log" "$rate" "$run_seconds" <<'PY'
import re, sys, time
src, dst, rate, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
serial = re.compile(rb":(\d+)\): ")
events, current, prev = [], [], None
with open(src, "rb") as f:
    for line in f:
        m = serial.search(line)
        s = m.group(1) if m else None
        if s != prev and current:
            events.append(b"".join(current)); current = []
            if len(events) >= rate * seconds: break
        prev = s
        current.append(line)
per_slice = rate // 10
start = time.monotonic()
with open(dst, "ab", buffering=0) as out:
    for i in range(0, len(events), per_slice):
        out.write(b"".join(events[i:i + per_slice]))
        delay = start + (i // per_slice + 1) * 0.1 - time.monotonic()
        if delay > 0: time.sleep(delay)
print(len(events))
PY
)
    sleep 3
    # Signal the agent itself (the child of time), so time reports its peak RSS.
    kill -TERM "$(pgrep -P "$agent_pid")"
    wait "$agent_pid" || true
    agent_pid=""
    stored=$(sql bench_run -c "SELECT count(*) FROM herdwatch.events")
    rss=$(awk -F': ' '/Maximum resident/ { print $2 }' "$out/run-time.txt")
    echo "agent run: wrote $written events, stored $stored; peak RSS $(awk -v r="$rss" 'BEGIN { printf "%.1f MB", r / 1024 }') (limit 40 MB)" \
        | tee -a "$out/ingest-table.md"
fi
echo "took $(( $(date +%s) - started )) s"
