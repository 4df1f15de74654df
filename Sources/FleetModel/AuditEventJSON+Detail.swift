extension AuditEventJSON {
    /// Appends, as one JSON object without a newline, the parts of `event` that the stored
    /// events table has no typed column for: record types, node, the syscall's arch, number and
    /// arguments, proctitle and tty, gid and user names, paths, the socket's family, path,
    /// netlink pid and protocol, all rule keys, the user message's op, exe, addr, hostname and terminal, and
    /// the whole `config` object of a `CONFIG_CHANGE` event.
    ///
    /// Keys and nesting are those of ``write(_:)``, so the full event is the typed columns
    /// merged with this object.
    public mutating func writeDetail(_ event: AuditEvent) {
        raw("{\"records\":")
        stringArray(event.recordTypes)
        if let node = event.node { key("node"); string(node) }
        if let s = event.syscall { writeSyscall(s, withColumnFields: false) }
        if event.process.proctitle != nil || event.process.tty != nil {
            writeProcess(event.process, withColumnFields: false)
        }
        let u = event.user
        if u.gid != nil || u.uidName != nil || u.euidName != nil || u.gidName != nil || u.auidName != nil {
            writeUser(u, withColumnFields: false)
        }
        writePaths(event.paths)
        if let s = event.socket { writeSocket(s, withColumnFields: false) }
        if event.keys.count > 1 { key("keys"); stringArray(event.keys) }
        if let m = event.userMessage, m.op != nil || m.exe != nil || m.addr != nil || m.hostname != nil || m.terminal != nil {
            writeUserMessage(m, withColumnFields: false)
        }
        if let c = event.config { writeConfig(c) }
        raw("}")
    }
}
