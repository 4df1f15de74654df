#!/usr/bin/env bash
# Herdwatch quick start: installs what is missing, builds (release), starts a local PostgreSQL
# under .herdwatch/ unless DATABASE_URL names one, migrates, simulates a fleet (a week of
# history and a day with attacks), learns baselines, detects, prints the findings, and then
# runs `herdwatch serve` until Ctrl-C, with, when run as root, a real agent for this machine
# (the kernel's audit state is restored when it stops).
#
#   ops/quickstart.sh              # set up and run here
#   ops/quickstart.sh --no-serve   # the same, but stop after printing the findings
#   DATABASE_URL=postgresql://… ops/quickstart.sh   # use an existing database instead
#
# Re-runnable: an existing build, cluster, schema and data are reused (nothing is stored
# twice). Stop the local cluster with
#   ops/quickstart.sh stop
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
state="$root/.herdwatch"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'quickstart: %s\n' "$*" >&2; exit 1; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

install_missing() {
    command -v swift >/dev/null || die "the Swift toolchain is not on PATH (https://www.swift.org/install/linux/)"
    local missing=()
    for package in postgresql libpq-dev pkg-config; do
        dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        say "installing ${missing[*]}"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

postgres_bin() {
    local bin
    bin=$(pg_config --bindir 2>/dev/null || true)
    [ -x "$bin/initdb" ] || bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -x "$bin/initdb" ] || die "PostgreSQL server programs not found"
    echo "$bin"
}

# initdb and postgres refuse to run as root: as root the cluster belongs to the postgres user.
as_db_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# The cluster lives in .herdwatch/ when the database owner can reach that directory; else
# (say, a clone under /root) in /var/lib/herdwatch-dev/, linked from .herdwatch/pgdata.
cluster_directory() {
    mkdir -p "$state"
    if [ -L "$state/pg" ]; then readlink "$state/pg"; return; fi
    if [ "$(id -u)" != 0 ] || runuser -u postgres -- test -x "$state" 2>/dev/null; then
        echo "$state/pg"
    else
        local elsewhere="/var/lib/herdwatch-dev/$(echo -n "$root" | sha256sum | cut -c1-12)"
        mkdir -p "$elsewhere"
        ln -sfn "$elsewhere" "$state/pg"
        echo "$elsewhere"
    fi
}

start_local_postgres() {
    local bin dir
    bin=$(postgres_bin)
    dir=$(cluster_directory)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        say "creating a PostgreSQL cluster in $dir"
        as_db_owner "$bin/initdb" -D "$dir/data" -U herdwatch --auth=trust -E UTF8 --locale=C >/dev/null
    fi
    if ! as_db_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        say "starting PostgreSQL (unix socket in $dir, no TCP)"
        as_db_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
            -o "-k $dir -c listen_addresses='' -c track_commit_timestamp=on" start >/dev/null
    fi
    export DATABASE_URL="host=$dir user=herdwatch dbname=herdwatch"
    DATABASE_LOCAL_DIR=$dir
    if ! psql "host=$dir user=herdwatch dbname=postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = 'herdwatch'" | grep -q 1; then
        psql "host=$dir user=herdwatch dbname=postgres" -qc "CREATE DATABASE herdwatch" >/dev/null
    fi
}

stop_local_postgres() {
    local dir
    dir=$(cluster_directory)
    [ -f "$dir/data/PG_VERSION" ] && as_db_owner "$(postgres_bin)/pg_ctl" -D "$dir/data" -m fast stop || true
}

# --- The real agent for this machine (root, kernel audit socket) ------------------------------

agent_pid=""
audit_saved=""

# Saves the kernel's audit settings and rules, so that they are restored when the demo stops.
save_audit_state() {
    audit_saved="$state/audit-before"
    mkdir -p "$audit_saved"
    "$bin/herdwatch-agent" audit status >"$audit_saved/status"
    "$bin/herdwatch-agent" audit rules list >"$audit_saved/rules" 2>/dev/null || true
}

audit_value() { awk -v key="$1" '$1 == key { print $2 }' "$audit_saved/status"; }

restore_audit_state() {
    [ -n "$audit_saved" ] || return 0
    local ctl="$bin/herdwatch-agent"
    flock /run/lock/herdwatch-audit.lock "$ctl" audit rules delete >/dev/null 2>&1 || true
    if grep -q '^-' "$audit_saved/rules" 2>/dev/null; then
        flock /run/lock/herdwatch-audit.lock "$ctl" audit rules load "$audit_saved/rules" >/dev/null 2>&1 || true
    fi
    flock /run/lock/herdwatch-audit.lock "$ctl" audit set --enabled "$(audit_value enabled)" \
        --backlog-limit "$(audit_value backlog_limit)" --rate-limit "$(audit_value rate_limit)" \
        --backlog-wait-time "$(audit_value backlog_wait_time)" >/dev/null 2>&1 || true
    say "restored the kernel's audit state (enabled $(audit_value enabled), $(grep -c '^-' "$audit_saved/rules" 2>/dev/null || true) rules)"
    audit_saved=""
}

stop_agent() {
    if [ -n "$agent_pid" ] && kill -0 "$agent_pid" 2>/dev/null; then
        kill -TERM "$agent_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$agent_pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$agent_pid" 2>/dev/null || true
    fi
    agent_pid=""
    restore_audit_state
}

# Runs herdwatch-agent for this machine as one more host: unicast (the agent becomes the audit
# daemon) when no other daemon holds the audit socket, else multicast beside it.
start_agent() {
    [ "$(id -u)" = 0 ] || { echo "(not root: no real agent for this machine; run as root to add one)"; return 0; }
    [ -n "${DATABASE_LOCAL_DIR:-}" ] || { echo "(an external DATABASE_URL: no real agent started)"; return 0; }
    save_audit_state
    local source=netlink-unicast rules="$root/ops/audit.rules" pid
    pid=$(audit_value pid)
    if [ "${pid:-0}" != 0 ]; then
        source=netlink-multicast rules=""
        echo "(audit daemon pid $pid holds the audit socket: the agent listens by multicast beside it)"
    fi
    local login
    login="agent_$(hostname -s | tr 'A-Z.-' 'a-z__' | tr -cd 'a-z0-9_')"
    psql "$DATABASE_URL" -qc "DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$login') THEN
        CREATE ROLE $login LOGIN IN ROLE herdwatch_agent; END IF; END \$\$" >/dev/null
    mkdir -p "$state/agent"
    cat >"$state/agent/agent.yaml" <<YAML
# Written by ops/quickstart.sh: this machine's agent for the demo.
source: $source
audit:
  rules_file: "$rules"
database:
  url: "host=$DATABASE_LOCAL_DIR user=$login dbname=herdwatch"
state:
  directory: $state/agent/state
heartbeat:
  interval_s: 10
YAML
    "$bin/herdwatch-agent" check-config "$state/agent/agent.yaml" >/dev/null
    "$bin/herdwatch-agent" run --config "$state/agent/agent.yaml" >>"$state/agent/agent.log" 2>&1 &
    agent_pid=$!
    say "started herdwatch-agent for this machine ($source, pid $agent_pid, log $state/agent/agent.log)"
}

# --- The demo -------------------------------------------------------------------------------

# Writes the records of each log before (train/) and from (attack/) the cut, in seconds.
split_logs() {
    local cut=$1 from=$2
    rm -rf "$from/train" "$from/attack"
    mkdir -p "$from/train" "$from/attack"
    for log in "$from"/*.log; do
        awk -v cut="$cut" -v train="$from/train/${log##*/}" -v attack="$from/attack/${log##*/}" '
            match($0, /audit\([0-9]+/) { t = substr($0, RSTART + 6, RLENGTH - 6) + 0 }
            { if (t < cut) print > train; else print > attack }' "$log"
    done
}

run_demo() {
    local fleet="$state/fleet" today cut
    today=$(date -u +%Y-%m-%dT00:00:00Z)
    cut=$(date -u -d "$(date -u +%F) - 1 day" +%s)
    say "simulating a fleet: 6 web, 4 worker and 4 db hosts, 7 ordinary days and a day with attacks"
    "$bin/herdwatch" simulate --out "$fleet" --roles web:6,worker:4,db:4 --days 8 --end "$today" \
        --attacks --format enriched --seed 7 --force
    split_logs "$cut" "$fleet"
    say "assigning roles by host name"
    while read -r role pattern; do "$bin/herdwatch" roles assign "$role" "$pattern" >/dev/null; done <"$fleet/roles.txt"
    say "loading the week of history through the ingest path"
    "$bin/herdwatch" load "$fleet"/train/*.log | tail -n 1
    say "learning a baseline per role from those 7 days"
    "$bin/herdwatch" learn --window 7d --until 1d --activate | grep -E '^(ROLE|db|web|worker) ' || true
    say "replaying the day with attacks"
    "$bin/herdwatch" load "$fleet"/attack/*.log | tail -n 1
    say "detecting"
    "$bin/herdwatch" detect --once
    say "findings"
    "$bin/herdwatch" findings list --status open --status acknowledged
    echo
    echo "What the simulator injected (the ground truth): $fleet/ground-truth.json"
}

if [ "${1:-}" = stop ]; then stop_local_postgres; exit 0; fi
serve=1
if [ "${1:-}" = --no-serve ]; then serve=0; fi


install_missing
say "building (release)"
mkdir -p "$state"
if ! (cd "$root" && swift build -c release >"$state/build.log" 2>&1); then
    grep -E 'error' "$state/build.log" | sort -u | head -n 20 >&2
    if grep -q 'Failed to clone repository' "$state/build.log"; then
        echo "hint: git could not fetch a Swift package; if the packages come from a local mirror owned by" >&2
        echo "      another user, git refuses it as 'dubious ownership': see safe.directory in git-config(1)" >&2
    fi
    die "the build failed; the whole log is in $state/build.log"
fi
grep -E '^Build complete' "$state/build.log" || true
bin="$root/.build/release"

if [ -z "${DATABASE_URL:-}" ]; then start_local_postgres; fi
say "migrating"
"$bin/herdwatch" migrate
run_demo
trap 'stop_agent' EXIT
trap 'exit 130' INT TERM
if [ "$serve" = 1 ]; then start_agent; fi
cat <<NEXT

Try next, in another terminal:
  export DATABASE_URL='$DATABASE_URL'
  $bin/herdwatch findings show ID               # who did what where, evidence, history
  $bin/herdwatch findings ack ID --note "looking into it"
  $bin/herdwatch findings accept ID --note "expected: new monitoring tool"
  $bin/herdwatch report connections --since 2d  # unique outgoing connections, by whom
  $bin/herdwatch findings list --json           # for scripts
  $bin/herdwatch hosts list
Stop the local database afterwards with: ops/quickstart.sh stop
NEXT
if [ "$serve" = 1 ]; then
    say "running herdwatch serve (detector, rollup, retraining, partitions) until Ctrl-C"
    "$bin/herdwatch" serve || true
fi
