#!/usr/bin/env bash
# Captures the AuditCore test fixtures from this machine's kernel: runs auditd without
# forking (-n), with its own config and an empty plugin_dir (so no plugins), for a few seconds per log format (RAW, ENRICHED)
# while a few commands run (execve with spaces, quotes, non-UTF-8 and a long split argument;
# a TCP connect; bind + listen; a -w watch), then restores the audit state it found.
#
# Safety (the machine shares one audit subsystem): holds /run/lock/herdwatch-audit.lock the
# whole time, sets backlog_wait_time 0, never sets failure mode 2, refuses to run when another
# audit daemon is registered, restores enabled/backlog settings, deletes only the rules tagged
# with its own key, and stops only the auditd it started, by PID.
#
# Usage: sudo ops/capture-audit-fixtures.sh OUT_DIR   (writes OUT_DIR/raw.log, OUT_DIR/enriched.log)
set -euo pipefail
out=$(realpath "${1:?usage: $0 OUT_DIR}")
mkdir -p "$out"
work=$(mktemp -d /tmp/herdwatch-capture.XXXXXX)
key="hw-audit-core-$$"

exec 9>/run/lock/herdwatch-audit.lock
flock 9

status() { auditctl -s | awk -v k="$1" '$1 == k { print $2 }'; }
was_enabled=$(status enabled)
was_pid=$(status pid)
was_wait=$(status backlog_wait_time)
was_limit=$(status backlog_limit)
auditctl -l > "$work/rules-before.txt"
if [ "$was_pid" != "0" ]; then
    echo "another audit daemon (pid $was_pid) is registered; not capturing" >&2
    exit 1
fi

cleanup() {
    set +e
    auditctl -D -k "$key" > /dev/null 2>&1
    auditctl -W "$work/watched" -p wa -k "$key" > /dev/null 2>&1
    auditctl --backlog_wait_time "$was_wait" > /dev/null
    auditctl -b "$was_limit" > /dev/null
    auditctl -e "$was_enabled" > /dev/null
    auditctl -l > "$work/rules-after.txt"
    diff -u "$work/rules-before.txt" "$work/rules-after.txt" >&2 || echo "warning: rules differ from before" >&2
}
trap cleanup EXIT

auditctl --backlog_wait_time 0 > /dev/null
auditctl -b 8192 > /dev/null
mkdir -p "$work/watched"

capture() {  # $1: RAW or ENRICHED, $2: output file
    local dir="$work/$1"
    mkdir -p "$dir/plugins"
    cat > "$dir/auditd.conf" <<CONF
local_events = yes
write_logs = yes
log_file = $dir/audit.log
log_group = root
log_format = $1
flush = INCREMENTAL_ASYNC
freq = 20
max_log_file = 64
num_logs = 2
priority_boost = 0
name_format = NONE
max_log_file_action = IGNORE
space_left = 2
space_left_action = IGNORE
admin_space_left = 1
admin_space_left_action = IGNORE
disk_full_action = IGNORE
disk_error_action = IGNORE
use_libwrap = no
tcp_listen_queue = 5
tcp_max_per_addr = 1
tcp_client_max_idle = 0
transport = TCP
end_of_event_timeout = 2
plugin_dir = $dir/plugins
CONF
    chmod 600 "$dir/auditd.conf"
    auditd -n -c "$dir" > "$dir/auditd.out" 2>&1 &
    local daemon=$!
    for _ in $(seq 50); do [ "$(status pid)" = "$daemon" ] && break; sleep 0.1; done
    bash -c '
        key=$1; watched=$2
        auditctl -a always,exit -F arch=b64 -S execve,connect,bind,listen -F ppid=$$ -k "$key" > /dev/null
        auditctl -w "$watched" -p wa -k "$key" > /dev/null
        /bin/echo "hello world" "it'"'"'s \"quoted\"" $'"'"'tab\there'"'"' > /dev/null
        /bin/echo $'"'"'\xff\xfe not utf-8'"'"' > /dev/null
        /bin/true "$(head -c 9000 /dev/zero | tr "\0" a)" "short" > /dev/null
        python3 -c "
import socket
s = socket.socket(); s.bind((\"127.0.0.1\", 0)); s.listen(1)
c = socket.socket(); c.connect(s.getsockname()); a, _ = s.accept()
u = socket.socket(socket.AF_INET6); u.bind((\"::1\", 0)); u.listen(1)
"
        echo data > "$watched/file.txt"
        rm "$watched/file.txt"
        auditctl -D -k "$key" > /dev/null
    ' capture "$key" "$work/watched"
    sleep 1
    kill -TERM "$daemon" 2>/dev/null || { echo "auditd exited early:" >&2; cat "$dir/auditd.out" >&2; return 1; }
    wait "$daemon" || true
    cp "$dir/audit.log" "$2"
}

capture RAW "$out/raw.log"
capture ENRICHED "$out/enriched.log"
echo "captured: $(wc -l < "$out/raw.log") RAW lines, $(wc -l < "$out/enriched.log") ENRICHED lines" >&2
