#!/usr/bin/env bash
# Benchmark of `herdwatch detect` (issue 7, "Speed"): throughput of `detect --once` over EVENTS
# stored events, and the latency from an event's commit to its finding's commit while
# `herdwatch detect` runs continuously under a sustained ingest.
#
#   ops/bench/detect.sh
#   EVENTS=2000000 RUNS=3 RATE=5000 SECONDS_=60 ops/bench/detect.sh
#   KEEP=1 ops/bench/detect.sh     # leave the cluster running afterwards, for EXPLAIN and profiling
#
# Release build; a fresh PostgreSQL cluster in a temporary directory (unix socket only, as the
# `postgres` user when run as root, track_commit_timestamp=on), started and stopped here.
#  1. Baseline: `herdwatch simulate` (web:4,worker:4,db:4, 8 days ending END, with attacks), `load`,
#     `roles assign`, `learn --window 7d --until END-1d --activate`, then `detect --once` judges
#     the attack day (warm-up; its findings are the simulator's attacks).
#  2. Throughput: EVENTS more events, copied by INSERT … SELECT from the loaded events of the
#     training days (exec, connect, listen, login: the kinds the detector judges), with serials
#     and times shifted and no `detail`, so they are the fleet's ordinary behaviour, stored after
#     the baseline and therefore judged (not history). Then RUNS times: watermark set back to
#     before them, findings emptied, `herdwatch detect --once` timed; events/s = judged / wall.
#  3. Latency: `herdwatch detect` (continuous) runs while one psql session ingests RATE events/s
#     for SECONDS_ seconds through the agents' path (ingest_begin, rows into the staging
#     table, ingest_commit; 10 transactions a second, paced by clock), one of them each second a
#     never-seen executable. Latency = commit time of the finding row − commit time of the event
#     (pg_xact_commit_timestamp of each row's xmin): p50, p99, max.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
EVENTS=${EVENTS:-10000000}
RUNS=${RUNS:-3}
RATE=${RATE:-5000}
SECONDS_=${SECONDS_:-60}
END=${END:-2026-11-21T00:00:00Z}
ROLES=web:4,worker:4,db:4

script_start=$(date +%s)
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'detect.sh: %s\n' "$*" >&2; exit 1; }
as_db_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

pgbin=$(pg_config --bindir 2>/dev/null || true)
[ -x "$pgbin/initdb" ] || pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$pgbin/initdb" ] || die "PostgreSQL server programs not found"

say "building (release)"
(cd "$root" && swift build -c release --product herdwatch >/tmp/herdwatch-bench-detect-build.log 2>&1) \
    || { tail -n 30 /tmp/herdwatch-bench-detect-build.log >&2; die "build failed"; }
herdwatch="$root/.build/release/herdwatch"

work=$(mktemp -d /tmp/herdwatch-bench-detect.XXXXXX)
chmod 755 "$work"
[ "$(id -u)" = 0 ] && chown postgres: "$work"
detect_pid=
DATABASE_URL=
cleanup() {
    [ -n "$detect_pid" ] && kill "$detect_pid" 2>/dev/null || true
    if [ -n "${KEEP:-}" ]; then echo "KEEP: cluster left running: DATABASE_URL='$DATABASE_URL' (data in $work)"; return; fi
    as_db_owner "$pgbin/pg_ctl" -D "$work/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

say "starting PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') in $work (track_commit_timestamp=on)"
as_db_owner "$pgbin/initdb" -D "$work/data" -U herdwatch --auth=trust -E UTF8 --locale=C >/dev/null
as_db_owner "$pgbin/pg_ctl" -D "$work/data" -l "$work/server.log" -w \
    -o "-k $work -c listen_addresses='' -c track_commit_timestamp=on -c max_wal_size=8GB -c checkpoint_timeout=30min" \
    start >/dev/null
psql "host=$work user=herdwatch dbname=postgres" -qc "CREATE DATABASE herdwatch" >/dev/null
export DATABASE_URL="host=$work user=herdwatch dbname=herdwatch"
psql_() { psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -qAt "$@"; }
"$herdwatch" migrate >/dev/null

say "baseline: simulate $ROLES, 8 days to $END; load; learn 7 days; detect the attack day"
"$herdwatch" simulate --out "$work/fleet" --roles "$ROLES" --days 8 --end "$END" --attacks --format raw >/dev/null
"$herdwatch" load "$work"/fleet/*.log >/dev/null
for role in web worker db; do "$herdwatch" roles assign "$role" "$role-*" >/dev/null; done
until_day=$(date -u -d "$END - 1 day" +%FT%TZ)
"$herdwatch" learn --window 7d --until "$until_day" --activate >/dev/null
"$herdwatch" detect --once | sed 's/^/  /'
loaded=$(psql_ -c "SELECT count(*) FROM herdwatch.events")
attack_findings=$(psql_ -c "SELECT count(*) FROM herdwatch.findings")
start_seq=$(psql_ -c "SELECT through_seq FROM herdwatch.detector_watermark")

say "storing $EVENTS ordinary events to judge (INSERT … SELECT from the training days)"
gen_start=$(date +%s.%N)
psql_ -v events="$EVENTS" -v end="$END" <<'SQL'
SET synchronous_commit = off;
CREATE TEMP TABLE template AS
    SELECT row_number() OVER (ORDER BY ingest_seq) AS n, e.*
    FROM herdwatch.events e
    WHERE e.kind IN ('exec', 'connect', 'listen', 'login') AND e.event_time < TIMESTAMPTZ :'end' - interval '1 day';
SELECT count(*) AS template_rows FROM template \gset
-- Copy k of the template (k = 1, 2, …) lies k days after END, serials shifted by k × 10^9.
INSERT INTO herdwatch.events (host_id, boot_id, event_time, serial, kind, syscall, success, exit_code, pid, ppid, uid, euid,
                              auid, session_id, exe, parent_exe, comm, argv, cwd, address, port, path, rule_key, account, result)
SELECT t.host_id, t.boot_id, t.event_time + make_interval(days => 8 * k), t.serial + k::bigint * 1000000000, t.kind, t.syscall,
       t.success, t.exit_code, t.pid, t.ppid, t.uid, t.euid, t.auid, t.session_id, t.exe, t.parent_exe, t.comm, t.argv, t.cwd,
       t.address, t.port, t.path, t.rule_key, t.account, t.result
FROM generate_series(1, (:events + :template_rows - 1) / :template_rows) AS k
CROSS JOIN template t
WHERE (k - 1) * :template_rows + t.n <= :events
ORDER BY k, t.n;
SQL
psql_ -c "VACUUM (ANALYZE) herdwatch.events"
gen_seconds=$(echo "$(date +%s.%N) - $gen_start" | bc)
stored=$(psql_ -c "SELECT count(*) FROM herdwatch.events WHERE ingest_seq > $start_seq")
table_size=$(psql_ -c "SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'herdwatch.events'::regclass")
printf '  %s events stored in %.0f s (events table with indexes: %s)\n' "$stored" "$gen_seconds" "$table_size"

say "detect --once over them, $RUNS runs"
: >"$work/throughput"
for i in $(seq 1 "$RUNS"); do
    psql_ -c "TRUNCATE herdwatch.findings CASCADE; UPDATE herdwatch.detector_watermark SET through_seq = $start_seq; CHECKPOINT"
    t0=$(date +%s.%N)
    "$herdwatch" detect --once >"$work/once.out"
    wall=$(echo "$(date +%s.%N) - $t0" | bc)
    judged=$(sed -n 's/^judged \([0-9]*\) events.*/\1/p' "$work/once.out")
    rate=$(echo "$judged / $wall" | bc)
    echo "$rate $wall $judged" >>"$work/throughput"
    printf '  run %d: %s events judged in %.1f s: %s events/s; %s\n' "$i" "$judged" "$wall" "$rate" \
        "$(sed -n 's/^findings: //p' "$work/once.out")"
done
psql_ -F ' ' -c "SELECT count(*), coalesce(sum(event_count), 0) FROM herdwatch.findings" \
    | awk '{printf "  findings after the last run: %s (%s events): held-back terms of the training days\n", $1, $2}'

# The query below is DetectorStore.facts(after:through:) as of this script; keep them in step.
say "where the time goes: the detector's facts query for its first chunk of 200,000, with its work_mem (EXPLAIN ANALYZE)"
psql_ <<SQL | sed 's/^/  /'
SET work_mem = '64MB';
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
            SELECT h.role, e.kind, e.host_id, e.exe, CASE WHEN e.kind = 'exec' THEN e.parent_exe END,
                   host(e.address), e.port,
                   CASE WHEN e.kind = 'connect' AND e.address IS NULL THEN e.path END,
                   CASE WHEN e.kind = 'login'
                        THEN coalesce(e.account, e.detail -> 'user' ->> 'auid_name', 'auid:' || e.auid::text) END,
                   e.detail -> 'config' ->> 'op', e.detail -> 'config' ->> 'setting', e.detail -> 'config' ->> 'value',
                   coalesce(e.detail -> 'config' ->> 'by_agent' = 'true', false),
                   bool_or(coalesce(e.euid = 0 OR e.uid = 0, false)),
                   coalesce(e.event_time >= (b.first_day::timestamp AT TIME ZONE 'UTC')
                            AND e.event_time < (b.end_day::timestamp AT TIME ZONE 'UTC')
                            AND e.stored_at < b.created_at, false) AS history,
                   count(*), min(e.event_time), max(e.event_time), min(e.ingest_seq), max(e.ingest_seq)
            FROM herdwatch.events e
            JOIN herdwatch.hosts h ON h.id = e.host_id
            LEFT JOIN herdwatch.baselines b ON b.role = h.role AND b.active
            WHERE e.ingest_seq > $start_seq AND e.ingest_seq <= $(( start_seq + 200000 ))
              AND (   (e.kind = 'exec' AND e.success IS NOT false AND e.exe IS NOT NULL)
                   OR (e.kind = 'connect' AND (e.address IS NOT NULL OR e.path IS NOT NULL))
                   OR (e.kind = 'listen' AND e.success IS NOT false AND e.port IS NOT NULL)
                   OR (e.kind = 'login' AND e.result = 'success' AND (e.account IS NOT NULL OR e.auid IS NOT NULL))
                   OR (e.kind = 'audit_config' AND e.detail ? 'config')
                   OR (e.kind = 'authentication' AND e.success = false AND e.address IS NOT NULL))
            GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15;
SQL

say "latency: detect (continuous) under $RATE events/s for $SECONDS_ s, one new executable a second"
psql_ -c "UPDATE herdwatch.detector_watermark SET through_seq = (SELECT max(ingest_seq) FROM herdwatch.events)"
# Ordinary events of web-01's training days, shipped as web-01..web-04 with fresh serials and times.
psql_ <<'SQL'
CREATE TABLE public.bench_template AS
    SELECT row_number() OVER (ORDER BY e.ingest_seq) AS n, e.boot_id, e.kind, e.syscall, e.success, e.exit_code, e.pid, e.ppid,
           e.uid, e.euid, e.auid, e.session_id, e.exe, e.parent_exe, e.comm, e.argv, e.cwd, e.address, e.port, e.path, e.rule_key,
           e.account, e.result, e.detail
    FROM herdwatch.events e JOIN herdwatch.hosts h ON h.id = e.host_id
    WHERE h.name = 'web-01' AND e.kind IN ('exec', 'connect', 'listen') AND e.ingest_seq <= (SELECT min(ingest_seq) + 400000 FROM herdwatch.events)
    LIMIT 20000;
SQL
template_rows=$(psql_ -c "SELECT count(*) FROM public.bench_template")
per_tx=$(( RATE / 10 ))
{
    echo "SELECT extract(epoch FROM clock_timestamp()) AS t0 \\gset"
    for s in $(seq 0 $(( SECONDS_ - 1 ))); do
        for t in $(seq 0 9); do
            b=$(( s * 10 + t ))
            first=$(( (b * per_tx) % template_rows ))
            echo "BEGIN; SELECT herdwatch.ingest_begin();"
            echo "INSERT INTO pg_temp.ingest_events (boot_id, event_time, serial, kind, syscall, success, exit_code, pid, ppid, uid, euid, auid, session_id, exe, parent_exe, comm, argv, cwd, address, port, path, rule_key, account, result, detail)"
            echo "  SELECT boot_id, clock_timestamp(), 5000000000 + $b * 100000 + n, kind, syscall, success, exit_code, pid, ppid, uid, euid, auid, session_id, exe, parent_exe, comm, argv, cwd, address, port, path, rule_key, account, result, detail"
            echo "  FROM public.bench_template WHERE (n - 1 - $first + $template_rows) % $template_rows < $per_tx;"
            if [ "$t" = 0 ]; then
                echo "INSERT INTO pg_temp.ingest_events (event_time, serial, kind, syscall, success, pid, ppid, uid, euid, auid, exe, parent_exe)"
                echo "  VALUES (clock_timestamp(), 6000000000 + $s, 'exec', 'execve', true, 4242, 1, 1000, 1000, 1000, '/opt/bench/novel-$s', '/usr/bin/bash');"
            fi
            echo "SELECT stored FROM herdwatch.ingest_commit('web-0$(( b % 4 + 1 ))'); COMMIT;"
            echo "SELECT pg_sleep(greatest(0, :t0 + $(( b + 1 )) * 0.1 - extract(epoch FROM clock_timestamp())));"
        done
    done
    echo "SELECT extract(epoch FROM clock_timestamp()) - :t0 AS elapsed \\gset"
    echo "\\echo ingest_elapsed :elapsed"
} >"$work/ingest.sql"
"$herdwatch" detect >"$work/detect.log" 2>&1 &
detect_pid=$!
sleep 3  # the detector's first pass over nothing; it then waits on LISTEN
seq_before=$(psql_ -c "SELECT max(ingest_seq) FROM herdwatch.events")
ingest_out=$(psql_ -f "$work/ingest.sql" | grep ingest_elapsed)
ingest_elapsed=${ingest_out#ingest_elapsed }
# Wait (with a deadline) for the last novel event's finding, then stop the detector.
for _ in $(seq 1 100); do
    [ "$(psql_ -c "SELECT count(*) FROM herdwatch.findings WHERE subject LIKE '/opt/bench/novel-%'")" = "$SECONDS_" ] && break
    sleep 0.1
done
kill -TERM "$detect_pid"; wait "$detect_pid" || true; detect_pid=
ingested=$(psql_ -c "SELECT count(*) FROM herdwatch.events WHERE ingest_seq > $seq_before")
psql_ -F ' ' <<'SQL' >"$work/latency"
SELECT count(id), count(*),
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY ms))::numeric, 1),
       round((percentile_cont(0.99) WITHIN GROUP (ORDER BY ms))::numeric, 1),
       round(max(ms)::numeric, 1)
FROM (
    SELECT f.id, extract(epoch FROM pg_xact_commit_timestamp(f.xmin) - pg_xact_commit_timestamp(e.xmin)) * 1000 AS ms
    FROM herdwatch.events e
    LEFT JOIN herdwatch.findings f ON f.kind = 'exec' AND f.subject = e.exe
    WHERE e.exe LIKE '/opt/bench/novel-%'
) x;
SQL
read -r found novel p50 p99 pmax <"$work/latency"
achieved=$(echo "$ingested / $ingest_elapsed" | bc)

median_rate=$(awk '{print $1}' "$work/throughput" | median)
echo
echo "baseline fleet: $ROLES, $loaded events loaded (8 days), $attack_findings findings on the attack day"
echo "throughput input: $stored events judged per run, copies of the training days' exec/connect/listen/login events"
echo
echo "| figure | result | runs |"
echo "|---|---:|---|"
printf '| detect --once throughput | **%s events/s** (median of %s) | %s |\n' "$median_rate" "$RUNS" "$(awk '{printf "%s events/s in %.1f s; ", $1, $2}' "$work/throughput")"
printf '| latency event commit -> finding commit, p50 | **%s ms** | %s of %s novel events found |\n' "$p50" "$found" "$novel"
printf '| latency p99 / max | **%s ms** / %s ms | ingest %s events/s sustained for %.0f s |\n' "$p99" "$pmax" "$achieved" "$ingest_elapsed"
echo
echo "targets: throughput >= 100,000 events/s: $([ "$(echo "$median_rate >= 100000" | bc)" = 1 ] && echo met || echo NOT met);" \
     "p99 < 1000 ms: $([ "$(echo "$p99 < 1000" | bc)" = 1 ] && echo met || echo NOT met)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); script took $(( $(date +%s) - script_start )) s (data generation $(printf '%.0f' "$gen_seconds") s)"
