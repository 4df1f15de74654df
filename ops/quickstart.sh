#!/usr/bin/env bash
# Herdwatch quick start: installs what is missing, builds (release), starts a local PostgreSQL
# under .herdwatch/ unless DATABASE_URL names one, migrates, and prints the status.
#
#   ops/quickstart.sh            # set up and run here
#   DATABASE_URL=postgresql://… ops/quickstart.sh   # use an existing database instead
#
# Re-runnable: an existing build, cluster and schema are reused. Stop the local cluster with
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
    if ! psql "host=$dir user=herdwatch dbname=postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = 'herdwatch'" | grep -q 1; then
        psql "host=$dir user=herdwatch dbname=postgres" -qc "CREATE DATABASE herdwatch" >/dev/null
    fi
}

stop_local_postgres() {
    local dir
    dir=$(cluster_directory)
    [ -f "$dir/data/PG_VERSION" ] && as_db_owner "$(postgres_bin)/pg_ctl" -D "$dir/data" -m fast stop || true
}

if [ "${1:-}" = stop ]; then stop_local_postgres; exit 0; fi

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
say "status"
"$bin/herdwatch" status
cat <<NEXT

Herdwatch is set up. Try next:
  export DATABASE_URL='$DATABASE_URL'
  $bin/herdwatch roles assign web 'web-*'
  $bin/herdwatch hosts add web-01 web-02
  $bin/herdwatch hosts list
  $bin/herdwatch simulate --out /tmp/fleet --roles web:8,db:4,worker:6 --days 7 --attacks
  $bin/herdwatch-agent audit status          # as root: the kernel's audit state
Stop the local database with: ops/quickstart.sh stop
NEXT
