extension AuditEventJSON {
    /// Appends, as one JSON object without a newline, the parts of `event` that the stored
    /// events table has no typed column for: record types, node, the syscall's arch, number and
    /// arguments, proctitle and tty, gid and user names, paths, the socket's family, path and
    /// netlink pid, all rule keys, and the user message's op, exe, addr, hostname and terminal.
    ///
    /// Keys and nesting are those of ``write(_:)``, so the full event is the typed columns
    /// merged with this object.
    public mutating func writeDetail(_ event: AuditEvent) {
        raw("{\"records\":")
        stringArray(event.recordTypes)
        if let node = event.node { key("node"); string(node) }
        if let s = event.syscall { writeSyscall(s, withColumnFields: false) }
        let p = event.process
        if p.proctitle != nil || p.tty != nil {
            raw(",\"process\":{")
            var first = true
            field(&first, "proctitle", p.proctitle)
            field(&first, "tty", p.tty)
            raw("}")
        }
        let u = event.user
        if u.gid != nil || u.uidName != nil || u.euidName != nil || u.gidName != nil || u.auidName != nil {
            raw(",\"user\":{")
            var first = true
            number(&first, "gid", u.gid)
            field(&first, "uid_name", u.uidName)
            field(&first, "euid_name", u.euidName)
            field(&first, "gid_name", u.gidName)
            field(&first, "auid_name", u.auidName)
            raw("}")
        }
        if !event.paths.isEmpty {
            raw(",\"paths\":[")
            for (i, path) in event.paths.enumerated() {
                if i > 0 { raw(",") }
                writePath(path)
            }
            raw("]")
        }
        if let s = event.socket {
            raw(",\"socket\":{\"family\":")
            string(s.family)
            if let v = s.path { key("path"); string(v) }
            if let v = s.netlinkPid { key("netlink_pid"); int(Int64(v)) }
            raw("}")
        }
        if event.keys.count > 1 { key("keys"); stringArray(event.keys) }
        if let m = event.userMessage, m.op != nil || m.exe != nil || m.addr != nil || m.hostname != nil || m.terminal != nil {
            writeUserMessage(m, withColumnFields: false)
        }
        raw("}")
    }
}
