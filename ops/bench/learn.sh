#!/usr/bin/env bash
# Benchmark of `herdwatch learn` (issue 6, "Speed"): 30 days of observations of a 1,000-host
# fleet in 10 roles, written straight into herdwatch.observations with SQL, then learned.
#
#   ops/bench/learn.sh
#   RUNS=5 CORE_TERMS=150 TAIL_TERMS=2000 PREFIX_PER_DAY=50 ops/bench/learn.sh
#
# Release build; a fresh PostgreSQL cluster in a temporary directory (unix socket only, as the
# `postgres` user when run as root), started and stopped here; `herdwatch migrate`; 10 roles of
# HOSTS_PER_ROLE hosts assigned and registered with the CLI. Observations per role:
#   core   CORE_TERMS terms (40% exec, 25% lineage, 25% connect, 10% listen; the first 20 exec
#          terms are the same in every role) on every host every day;
#   tail   TAIL_TERMS rarer terms, term j on 1..15 hosts and 1..4 days (those on >= 10 hosts are
#          admitted at min_fraction 0.1 of 100 hosts, the rest held back);
#   prefix in role "storage" only, PREFIX_PER_DAY destinations per host and day inside
#          52.216.0.0/16 (443/tcp /usr/bin/aws), different every day: generalized to one prefix;
#          plus 5 odd addresses in 198.51.100.0/24 that stay single terms.
# Then `herdwatch learn --window 30d --until UNTIL` (all roles) RUNS times on fresh baseline
# state (baselines truncated before each), and RUNS times as a no-change relearn; wall time and
# peak RSS from /usr/bin/time -v, medians. Also times the observation read alone (the learner's
# query for every role, COPY to /dev/null) and EXPLAIN ANALYZE of it for one role.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RUNS=${RUNS:-3}
HOSTS_PER_ROLE=${HOSTS_PER_ROLE:-100}
CORE_TERMS=${CORE_TERMS:-150}
TAIL_TERMS=${TAIL_TERMS:-2000}
PREFIX_PER_DAY=${PREFIX_PER_DAY:-50}
DAYS=30
UNTIL=${UNTIL:-2026-11-01T00:00:00Z}
ROLES=(web db cache queue api worker batch proxy search storage)

script_start=$(date +%s)
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'learn.sh: %s\n' "$*" >&2; exit 1; }
as_db_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is needed for peak RSS"
pgbin=$(pg_config --bindir 2>/dev/null || true)
[ -x "$pgbin/initdb" ] || pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$pgbin/initdb" ] || die "PostgreSQL server programs not found"

say "building (release)"
(cd "$root" && swift build -c release >/tmp/herdwatch-bench-learn-build.log 2>&1) \
    || { tail -n 30 /tmp/herdwatch-bench-learn-build.log >&2; die "build failed"; }
herdwatch="$root/.build/release/herdwatch"

work=$(mktemp -d /tmp/herdwatch-bench-learn.XXXXXX)
chmod 755 "$work"
[ "$(id -u)" = 0 ] && chown postgres: "$work"
cleanup() {
    as_db_owner "$pgbin/pg_ctl" -D "$work/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

say "starting PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') in $work (server defaults but for WAL size)"
as_db_owner "$pgbin/initdb" -D "$work/data" -U herdwatch --auth=trust -E UTF8 --locale=C >/dev/null
as_db_owner "$pgbin/pg_ctl" -D "$work/data" -l "$work/server.log" -w \
    -o "-k $work -c listen_addresses='' -c max_wal_size=4GB -c checkpoint_timeout=30min" start >/dev/null
psql "host=$work user=herdwatch dbname=postgres" -qc "CREATE DATABASE herdwatch" >/dev/null
export DATABASE_URL="host=$work user=herdwatch dbname=herdwatch"
psql_() { psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -qAt "$@"; }

"$herdwatch" migrate >/dev/null
say "registering ${#ROLES[@]} roles x $HOSTS_PER_ROLE hosts"
names=()
for role in "${ROLES[@]}"; do
    "$herdwatch" roles assign "$role" "$role-*" >/dev/null
    for n in $(seq -w 1 "$HOSTS_PER_ROLE"); do names+=("$role-$n"); done
done
"$herdwatch" hosts add "${names[@]}" >/dev/null
assigned=$(psql_ -c "SELECT count(*) FROM herdwatch.hosts WHERE role IS NOT NULL")
[ "$assigned" = $(( ${#ROLES[@]} * HOSTS_PER_ROLE )) ] || die "$assigned hosts have a role"

# Window [until - 30d, until): the days the learner reads.
end_day=$(date -u -d "$UNTIL" +%F)
say "generating observations (window $(date -u -d "$end_day - $DAYS days" +%F)/$end_day)"
gen_start=$(date +%s.%N)
psql_ -v days="$DAYS" -v end_day="$end_day" -v core="$CORE_TERMS" -v tail="$TAIL_TERMS" -v per_day="$PREFIX_PER_DAY" <<'SQL'
SET work_mem = '256MB';
SET maintenance_work_mem = '512MB';
SET synchronous_commit = off;
CREATE TEMP TABLE bench_hosts AS
    SELECT id, role, (row_number() OVER (PARTITION BY role ORDER BY name) - 1)::int AS n
    FROM herdwatch.hosts WHERE role IS NOT NULL;
CREATE TEMP TABLE bench_days AS
    SELECT d::date AS day, i::int AS k
    FROM generate_series(1, :days) AS i, LATERAL (SELECT DATE :'end_day' - i AS d) x;
-- Core terms: every host of the role, every day.
CREATE TEMP TABLE bench_core AS
    SELECT r.role, i,
           CASE WHEN i < :core * 0.40 THEN 'exec' WHEN i < :core * 0.65 THEN 'lineage'
                WHEN i < :core * 0.90 THEN 'connect' ELSE 'listen' END AS kind,
           CASE WHEN i < 20 THEN '/usr/bin/common-' || i
                WHEN i < :core * 0.40 THEN '/usr/sbin/' || r.role || '-tool-' || i
                WHEN i < :core * 0.65 THEN '/usr/lib/systemd/systemd -> /usr/bin/' || r.role || '-job-' || i
                WHEN i < :core * 0.90 THEN '10.' || r.idx || '.' || (i % 250) || '.10:' || (5000 + i) || '/tcp /usr/bin/' || r.role || '-client'
                ELSE (8000 + i) || '/tcp /usr/sbin/' || r.role || 'd' END AS term
    FROM (SELECT role, (dense_rank() OVER (ORDER BY role))::int AS idx FROM (SELECT DISTINCT role FROM bench_hosts) x) r,
         generate_series(0, :core - 1) AS i;
-- Tail terms: term j on 1..15 hosts, 1..4 days.
CREATE TEMP TABLE bench_tail AS
    SELECT r.role, j,
           (ARRAY['exec', 'lineage', 'connect', 'listen'])[1 + j % 4] AS kind,
           CASE j % 4 WHEN 0 THEN '/opt/' || r.role || '/bin/rare-' || j
                      WHEN 1 THEN '/bin/bash -> /opt/' || r.role || '/bin/rare-' || j
                      WHEN 2 THEN '172.20.' || (j / 250) || '.' || (j % 250) || ':' || (6000 + j % 1000) || '/tcp /opt/' || r.role || '/bin/rare'
                      ELSE (20000 + j) || '/tcp /opt/' || r.role || '/bin/rare-' || j END AS term,
           1 + (j * 7) % 15 AS nhosts, 1 + j % 4 AS ndays
    FROM (SELECT DISTINCT role FROM bench_hosts) r, generate_series(0, :tail - 1) AS j;

DO $$
DECLARE r text;
BEGIN
    FOR r IN SELECT DISTINCT role FROM bench_hosts ORDER BY role LOOP
        INSERT INTO herdwatch.observations (role, kind, term, host_id, day, count, first_seen, last_seen)
        SELECT role, kind, term, host_id, day, count, first_seen, last_seen FROM (
            SELECT c.role, c.kind, c.term, h.id AS host_id, d.day,
                   1 + (h.id * 7 + c.i * 13 + d.k * 3) % 40 AS count,
                   d.day + make_interval(secs => (h.id * 97 + c.i * 31) % 3600) AS first_seen,
                   d.day + make_interval(secs => 82800 + (h.id * 89 + c.i * 29) % 3599) AS last_seen
            FROM bench_core c JOIN bench_hosts h USING (role) CROSS JOIN bench_days d
            WHERE c.role = r
            UNION ALL
            SELECT t.role, t.kind, t.term, h.id, d.day, 1 + t.j % 3,
                   d.day + interval '10 hours', d.day + interval '10 hours 5 minutes'
            FROM bench_tail t
            CROSS JOIN LATERAL generate_series(0, t.nhosts - 1) AS hk
            JOIN bench_hosts h ON h.role = t.role AND h.n = (t.j * 37 + hk * 11) % (SELECT max(n) + 1 FROM bench_hosts)
            CROSS JOIN LATERAL generate_series(0, t.ndays - 1) AS dm
            JOIN bench_days d ON d.k = 1 + (t.j * 13 + dm * 7) % 30
            WHERE t.role = r
        ) o
        ORDER BY role, day, kind, term, host_id
        ON CONFLICT DO NOTHING;
    END LOOP;
END $$;

-- Role storage: object-storage destinations, different every host and day, in one /16.
INSERT INTO herdwatch.observations (role, kind, term, host_id, day, count, first_seen, last_seen)
SELECT role, 'connect', term, host_id, day, sum(count), min(first_seen), max(last_seen) FROM (
    SELECT h.role, h.id AS host_id, d.day,
           '52.216.' || ((h.n * 131 + d.k * 1709 + q * 7919) % 65536) / 256 || '.'
               || ((h.n * 131 + d.k * 1709 + q * 7919) % 256) || ':443/tcp /usr/bin/aws' AS term,
           1 + q % 5 AS count, d.day + interval '1 hour' AS first_seen, d.day + interval '22 hours' AS last_seen
    FROM bench_hosts h CROSS JOIN bench_days d CROSS JOIN generate_series(0, :per_day - 1) AS q
    WHERE h.role = 'storage'
    UNION ALL
    SELECT h.role, h.id, d.day, '198.51.100.' || (h.n % 5 + 1) || ':8443/tcp /usr/bin/curl', 1,
           d.day + interval '3 hours', d.day + interval '3 hours'
    FROM bench_hosts h CROSS JOIN bench_days d
    WHERE h.role = 'storage' AND d.k % 10 = 0
) s
GROUP BY role, day, term, host_id
ORDER BY role, day, term, host_id
ON CONFLICT DO NOTHING;
SQL
psql_ -c "VACUUM (ANALYZE) herdwatch.observations"
gen_seconds=$(echo "$(date +%s.%N) - $gen_start" | bc)
rows=$(psql_ -c "SELECT count(*) FROM herdwatch.observations")
table_size=$(psql_ -c "SELECT pg_size_pretty(pg_total_relation_size('herdwatch.observations'))")
printf '%s observation rows (%s with indexes) in %.0f s\n' "$rows" "$table_size" "$gen_seconds"
psql_ -F ' ' -c "SELECT role, count(*) AS rows, count(DISTINCT (kind, term)) AS terms FROM herdwatch.observations GROUP BY role ORDER BY role" \
    | awk '{printf "  %-8s %9d rows %7d distinct terms\n", $1, $2, $3}'

# Runs `herdwatch learn` under /usr/bin/time -v; prints "wall_seconds rss_kb admitted held_back".
learn_once() {
    local out="$work/learn.out" tv="$work/time.out"
    /usr/bin/time -v -o "$tv" "$herdwatch" learn --window 30d --until "$UNTIL" >"$out" 2>"$work/learn.err" \
        || { cat "$work/learn.err" >&2; die "herdwatch learn failed"; }
    local wall rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$tv")
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tv")
    # The per-role-and-kind table: ... ADMITTED HELD BACK ADDED DROPPED (last four columns).
    awk -v wall="$wall" -v rss="$rss" '
        $0 ~ /^[a-z0-9_-]+ +[0-9]+ (new|unchanged)/ && ($(NF-4) ~ /^(exec|lineage|connect|listen|login)$/) { a += $(NF-3); h += $(NF-2) }
        END { printf "%s %s %d %d\n", wall, rss, a, h }' "$out"
}
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

say "learn on fresh baseline state, $RUNS runs"
: >"$work/fresh"; : >"$work/relearn"
for i in $(seq 1 "$RUNS"); do
    psql_ -c "TRUNCATE herdwatch.baselines CASCADE" 2>/dev/null
    psql_ -c "CHECKPOINT"
    result=$(learn_once); echo "$result" >>"$work/fresh"
    echo "  run $i: $result (s, KB, admitted, held back)"
done
cp "$work/learn.out" "$work/learn-fresh.out"
db_counts=$(psql_ -F ' ' -c "SELECT count(*) FILTER (WHERE status = 'admitted'), count(*) FILTER (WHERE status = 'held_back'), count(*) FILTER (WHERE origin = 'prefix') FROM herdwatch.baseline_terms")
prefix_terms=$(psql_ -c "SELECT string_agg(term, '; ') FROM herdwatch.baseline_terms WHERE origin = 'prefix'")
say "no-change relearn, $RUNS runs"
for i in $(seq 1 "$RUNS"); do
    result=$(learn_once); echo "$result" >>"$work/relearn"
    echo "  run $i: $result"
done
grep -q ' unchanged' "$work/learn.out" || die "relearn stored a new version"

say "where the time goes: the observation read alone (learner's query, every role, COPY to /dev/null)"
read_query() {
    cat <<Q
SELECT kind, term, host_id, string_agg((day - DATE '1970-01-01')::text, ',') AS days, sum(count)::bigint
FROM herdwatch.observations
WHERE role = '$1' AND day >= DATE '$end_day' - $DAYS AND day < DATE '$end_day'
GROUP BY kind, term, host_id
Q
}
: >"$work/read"
for i in $(seq 1 "$RUNS"); do
    t0=$(date +%s.%N)
    for role in "${ROLES[@]}"; do psql_ -c "COPY ($(read_query "$role")) TO STDOUT" >/dev/null; done
    echo "$(date +%s.%N) - $t0" | bc >>"$work/read"
done
psql_ -c "EXPLAIN (ANALYZE, BUFFERS) $(read_query storage)" | sed 's/^/  /'

col() { awk -v c="$1" '{print $c}' "$2" | median; }
fresh_wall=$(col 1 "$work/fresh"); fresh_rss=$(col 2 "$work/fresh")
re_wall=$(col 1 "$work/relearn"); re_rss=$(col 2 "$work/relearn")
read_wall=$(median <"$work/read")
read -r admitted held _ < <(tail -n 1 "$work/fresh" | awk '{print $3, $4}')
read -r db_admitted db_held db_prefix <<<"$db_counts"

echo
echo "observations: $rows rows; ${#ROLES[@]} roles x $HOSTS_PER_ROLE hosts x $DAYS days; $CORE_TERMS core terms, $TAIL_TERMS tail terms per role; storage: $PREFIX_PER_DAY addresses/host/day in 52.216.0.0/16"
echo "printed by learn: $admitted admitted, $held held back; in baseline_terms: $db_admitted admitted, $db_held held back, $db_prefix prefix term(s): $prefix_terms"
echo
echo "| run | wall time (median of $RUNS) | peak RSS (median) | runs (s) |"
echo "|---|---:|---:|---|"
printf '| learn, fresh baseline state | %.1f s | %.0f MB | %s |\n' "$fresh_wall" "$(echo "$fresh_rss / 1024" | bc -l)" "$(awk '{printf "%s ", $1}' "$work/fresh")"
printf '| learn, no change (relearn) | %.1f s | %.0f MB | %s |\n' "$re_wall" "$(echo "$re_rss / 1024" | bc -l)" "$(awk '{printf "%s ", $1}' "$work/relearn")"
printf '| observation read alone (psql COPY, 10 roles) | %.1f s | | %s |\n' "$read_wall" "$(awk '{printf "%.1f ", $1}' "$work/read")"
echo
under=$(echo "$fresh_wall < 30" | bc)
echo "target (< 30 s): $([ "$under" = 1 ] && echo met || echo NOT met)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); script took $(( $(date +%s) - script_start )) s (data generation $(printf '%.0f' "$gen_seconds") s)"
