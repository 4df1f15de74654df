#!/usr/bin/env python3
"""Builds a large auditd log by replicating a real capture with rewritten serials and times.

Usage: make-input.py CAPTURE.log EVENTS OUT.log [SKIP_SERIAL ...]

Each copy of CAPTURE gets its serials renumbered past the previous copy's (so the assembler
sees a gap-free, ever-increasing stream) and its times shifted forward by the capture's span,
so event time only moves forward. auditd's own DAEMON_* records keep a separate counter (auditd
stamps them itself, not the kernel). Events whose serial is listed in SKIP_SERIAL are left out.
Stops once at least EVENTS events were written.
"""
import re
import sys

capture, wanted, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
skip = {int(x) for x in sys.argv[4:]}
stamp = re.compile(rb"msg=audit\((\d+)\.(\d+):(\d+)\)")
lines = open(capture, "rb").read().splitlines()
parsed = []
serials = []
for line in lines:
    m = stamp.search(line)
    if not m:
        continue
    ms = int(m.group(1)) * 1000 + int(m.group(2))
    serial = int(m.group(3))
    if serial in skip:
        continue
    daemon = b"type=DAEMON_" in line[: m.start()]
    parsed.append((line[: m.start()], ms, serial, line[m.end():], daemon))
    if not daemon and serial not in serials:
        serials.append(serial)
daemons = sorted({p[2] for p in parsed if p[4]})
index = {s: i for i, s in enumerate(serials)}
t0 = min(p[1] for p in parsed)
span = max(p[1] for p in parsed) - t0 + 1
per_copy = len(serials)
copies = (wanted + per_copy + len(daemons) - 1) // (per_copy + len(daemons))
with open(out, "wb", buffering=1 << 22) as f:
    for c in range(copies):
        base_serial = 1000 + c * per_copy
        base_ms = t0 + c * span
        chunk = []
        for head, ms, serial, tail, daemon in parsed:
            t = base_ms + (ms - t0)
            s = c * len(daemons) + daemons.index(serial) + 1 if daemon else base_serial + index[serial]
            chunk.append(b"%smsg=audit(%d.%03d:%d)%s\n" % (head, t // 1000, t % 1000, s, tail))
        f.write(b"".join(chunk))
per_copy_all = per_copy + len(daemons)
print(f"{copies} copies x {per_copy_all} events = {copies * per_copy_all} events", file=sys.stderr)
