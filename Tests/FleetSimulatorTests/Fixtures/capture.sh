#!/bin/bash
# Capture audit record shapes. Run under: flock /run/lock/herdwatch-audit.lock
set -u
FORMAT=$1            # RAW or ENRICHED
DIR=/tmp/simcap/$FORMAT
rm -rf $DIR; mkdir -p $DIR/plugins
cat > $DIR/auditd.conf <<CONF
local_events = yes
write_logs = yes
log_file = $DIR/audit.log
log_group = root
log_format = $FORMAT
flush = INCREMENTAL_ASYNC
freq = 50
max_log_file = 8
num_logs = 2
max_log_file_action = ROTATE
space_left = 75
space_left_action = SYSLOG
admin_space_left = 50
admin_space_left_action = SYSLOG
disk_full_action = SYSLOG
disk_error_action = SYSLOG
plugin_dir = $DIR/plugins
q_depth = 2000
overflow_action = SYSLOG
max_restarts = 10
end_of_event_timeout = 2
CONF
chmod 600 $DIR/auditd.conf
auditctl -s > $DIR/state-before.txt; auditctl -l > $DIR/rules-before.txt
OLD_ENABLED=$(awk '/^enabled/{print $2}' $DIR/state-before.txt)
OLD_BWT=$(awk '/^backlog_wait_time /{print $2}' $DIR/state-before.txt)
auditctl --backlog_wait_time 0 >/dev/null
auditd -f -n -c $DIR > $DIR/records.out 2> $DIR/auditd.stderr &
APID=$!
sleep 1
AUIDV=4242
auditctl -a always,exit -F arch=b64 -S execve -F auid=$AUIDV -k hwsim_exec >/dev/null
auditctl -a always,exit -F arch=b64 -S connect,bind,listen,accept,accept4 -F auid=$AUIDV -k hwsim_net >/dev/null
(
  echo $AUIDV > /proc/self/loginuid
  cd /tmp
  ls -la /etc > /dev/null
  /bin/sh -c 'echo "hello world" > /dev/null; ps aux > /dev/null'
  id >/dev/null
  PORTA=$((20000 + RANDOM % 20000)) PORTB=$((20000 + RANDOM % 20000)) python3 - <<'PY'
import os; PORTA=int(os.environ['PORTA']); PORTB=int(os.environ['PORTB'])
import socket, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", PORTA)); s.listen(5)
c = socket.socket(); c.connect(("127.0.0.1", PORTA)); a, _ = s.accept()
a.close(); c.close(); s.close()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.connect(("127.0.0.53", 53)); u.close()
s6 = socket.socket(socket.AF_INET6); s6.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s6.bind(("::1", PORTB)); s6.listen(1)
c6 = socket.socket(socket.AF_INET6); c6.connect(("::1", PORTB)); a6, _ = s6.accept(); a6.close(); c6.close(); s6.close()
PY
  su -s /bin/true nobody -c true
  cp /bin/true /tmp/simcap/kworkerd; /tmp/simcap/kworkerd --arg 'with "quote"'
)
sleep 1
# Restore: delete only our rules, backlog_wait_time, enabled flag (captured as CONFIG_CHANGE)
auditctl -d always,exit -F arch=b64 -S execve -F auid=$AUIDV -k hwsim_exec >/dev/null
auditctl -d always,exit -F arch=b64 -S connect,bind,listen,accept,accept4 -F auid=$AUIDV -k hwsim_net >/dev/null
auditctl --backlog_wait_time $OLD_BWT >/dev/null
auditctl -e $OLD_ENABLED >/dev/null
sleep 1
kill $APID; wait $APID
OLD_LOST=$(awk "/^lost/{print \$2}" $DIR/state-before.txt); [ "$OLD_LOST" = 0 ] && auditctl --reset-lost >/dev/null
auditctl -s > $DIR/state-after.txt; auditctl -l > $DIR/rules-after.txt
