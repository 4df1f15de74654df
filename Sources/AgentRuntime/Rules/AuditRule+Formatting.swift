import AuditCore

/// auditctl(8) text for a rule, as `auditctl -l` prints it.
extension AuditRule {
    /// The rule in auditctl syntax: `-w PATH -p PERMS [-k KEY]` for a watch, otherwise
    /// `-a action,list [-F arch=…] [-S names|all] [-F name op value]…`, with syscall names from
    /// the table of the rule's arch (numbers where a name is unknown). A prepended rule is
    /// written with `-A`. Parsing the text with the same machine gives the same rule.
    public func auditctlText(machine: AuditMachine = .host) -> String {
        func format(_ field: AuditField) -> String {
            AuditField.formatValue(field.value, kind: field.kind, machine: machine)
        }
        if isWatch, let target = fields.first(where: { $0.kind == .dir || $0.kind == .path }) {
            var parts = ["-w", format(target)]
            if let perm = fields.first(where: { $0.kind == .perm }) { parts += ["-p", format(perm)] }
            if let key { parts += ["-k", key] }
            return parts.joined(separator: " ")
        }
        var parts = [prepend ? "-A" : "-a", "\(action.name),\(list.name)"]
        let archIndex = fields.firstIndex { $0.kind == .arch }
        if let archIndex {
            let field = fields[archIndex]
            parts += ["-F", "arch\(field.comparison.symbol)\(format(field))"]
        }
        if allSyscalls, list == .exit {
            parts += ["-S", "all"]
        } else if !syscalls.isEmpty {
            let table = machine.syscallTable(arch: arch)
            parts += ["-S", syscalls.map { number in
                table.flatMap { SyscallTable.name(arch: $0, number: Int(number)) } ?? String(number)
            }.joined(separator: ",")]
        }
        for (index, field) in fields.enumerated() where index != archIndex {
            parts += ["-F", "\(field.kind.name)\(field.comparison.symbol)\(format(field))"]
        }
        return parts.joined(separator: " ")
    }
}
