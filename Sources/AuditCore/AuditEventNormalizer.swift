import FleetModel

/// Turns the records of one event into an ``AuditEvent`` (schema ``AuditEvent/schemaVersion``).
///
/// Field meanings follow the kernel (`kernel/auditsc.c` `audit_log_exit`, `audit_log_execve_info`,
/// `audit_log_name`, `audit_log_proctitle`) and libaudit's user messages (`audit_log_acct_message`).
/// When two records carry the same fact the first one wins (SYSCALL comes first on the wire).
/// User names come only from auditd's ENRICHED fields; resolving them live is the agent's job.
public enum AuditEventNormalizer {
    /// Normalizes the records of one event (as ``AuditEventAssembler`` completed it).
    public static func normalize(_ records: [AuditRecord]) -> AuditEvent {
        var b = Builder()
        b.normalize(AuditRecords(records))
        // Move the event out (a copy would retain and release every string and array in it).
        var event = AuditEvent(timestampMilliseconds: 0, serial: 0)
        swap(&event, &b.event)
        return event
    }

    /// Builds one event at a time, keeping its arrays between events: a stream reader keeps
    /// one and reads ``event`` after each ``normalize(_:)``. A caller that keeps a copy of the
    /// event is safe: the next event then gets fresh arrays (copy on write).
    public struct Builder: Sendable {
        public internal(set) var event = AuditEvent(timestampMilliseconds: 0, serial: 0)
        var haveStamp = false
        var arch: SyscallTable.Arch?
        var archText: String?
        var syscallNumber: Int?
        var syscallName: String?
        var exit: Int64?
        var args: [UInt64] = []
        /// Long EXECVE arguments being joined from chunks (`aN[i]`), by argument index (rare).
        var argumentChunks: [Int: [UInt8]] = [:]
        var kindFromRecords: AuditEventKind?
        var userMessage = AuditUserMessage()
        var haveUserMessage = false
        var config: AuditConfigChange?
        var scratch: [UInt8] = []
        /// The last value of the fields that a process or rule repeats event after event
        /// (its PROCTITLE, exe and cwd, a rule's key, the names of its first PATH records: the
        /// program and its loader), shared with the next event that repeats it.
        var proctitleMemo = TextMemo()
        var keyMemo = TextMemo()
        var exeMemo = TextMemo()
        var cwdMemo = TextMemo()
        var pathNameMemos = [TextMemo](repeating: TextMemo(), count: 4)

        public init() {}

        /// Normalizes the records of one event into ``event``.
        public mutating func normalize(_ records: borrowing AuditRecords) {
            reset()
            event.recordTypes.reserveCapacity(records.count)
            // One pointer to each buffer for the whole event: no reference counting per record.
            let headers = records.headers
            records.bytes.withUnsafeBytes { buf in
                records.fields.withUnsafeBufferPointer { fields in
                    headers.withUnsafeBufferPointer { headers in
                        for h in headers {
                            add(h, UnsafeBufferPointer(rebasing: fields[Int(h.fields.lowerBound)..<Int(h.fields.upperBound)]), buf)
                        }
                    }
                }
            }
            finish()
        }

        /// Adds one record: `fields` are its fields, with positions in `buf`, the event's bytes.
        mutating func add(_ h: AuditRecords.Header, _ fields: UnsafeBufferPointer<AuditField>, _ buf: UnsafeRawBufferPointer) {
            if !haveStamp {
                haveStamp = true
                event.timestampMilliseconds = h.timestampMilliseconds
                event.serial = h.serial
                if !h.node.isEmpty { event.node = AuditText.make(buf.slice(h.node.lowerBound, Int32(h.node.count))) }
            }
            event.recordTypes.append(h.typeDescription(buf))
            noteKind(h.type)
            switch h.type {
            case .syscall: syscallRecord(fields, buf)
            case .execve: execveRecord(fields, buf)
            case .path: pathRecord(fields, buf)
            default: genericRecord(h.type, fields, buf)
            }
        }

        mutating func noteKind(_ t: AuditRecordType) {
            let kind: AuditEventKind?
            switch t.code {
            case 1006, 1112, 1113: kind = .login
            case 1100, 1101, 1103, 1104, 1105, 1106, 1108, 1109, 1110, 1126, 2100...2104: kind = .authentication
            case 1305, 1200...1209: kind = .auditConfig
            default: kind = nil
            }
            if let kind, kindFromRecords == nil || kind == .auditConfig { kindFromRecords = kind }
        }

        mutating func syscallRecord(_ fields: UnsafeBufferPointer<AuditField>, _ buf: UnsafeRawBufferPointer) {
            for f in fields {
                let k = buf.slice(f.keyStart, f.keyLength)
                let v = buf.slice(f.valueStart, f.valueLength)
                if f.origin == .enriched {
                    enriched(k, v, f.encoding)
                    continue
                }
                switch FieldName.pack(k) {
                case FieldName.pid: setPID(v)
                case FieldName.uid: event.user.uid = event.user.uid ?? FieldValue.uint32(v)
                case FieldName.gid: event.user.gid = event.user.gid ?? FieldValue.uint32(v)
                case FieldName.ses: event.user.ses = event.user.ses ?? FieldValue.uint32(v)
                case FieldName.tty: setTTY(v)
                case FieldName.exe: event.process.exe = event.process.exe ?? exeMemo.text(for: v, f.encoding) { FieldValue.untrustedText(v, f.encoding) }
                case FieldName.key: addKeys(v, f.encoding)
                case FieldName.arch: setArch(v)
                case FieldName.exit: exit = FieldValue.int(v)
                case FieldName.ppid: event.process.ppid = event.process.ppid ?? FieldValue.int32(v)
                case FieldName.auid: event.user.auid = event.user.auid ?? FieldValue.uint32(v)
                case FieldName.euid: event.user.euid = event.user.euid ?? FieldValue.uint32(v)
                case FieldName.comm: event.process.comm = event.process.comm ?? FieldValue.untrustedText(v, f.encoding)
                case FieldName.syscall:
                    if let n = FieldValue.int(v) { syscallNumber = Int(n) } else { syscallName = AuditText.make(v) }
                case FieldName.success:
                    event.success = FieldValue.equals(v, "yes") ? true : FieldValue.equals(v, "no") ? false : nil
                default:
                    if k.count == 2, k[0] == UInt8(ascii: "a"), k[1] >= 0x30, k[1] <= 0x33 { args.append(FieldValue.hex(v) ?? 0) }
                }
            }
        }

        mutating func execveRecord(_ fields: UnsafeBufferPointer<AuditField>, _ buf: UnsafeRawBufferPointer) {
            for f in fields where f.origin == .kernel {
                let k = buf.slice(f.keyStart, f.keyLength)
                guard k.count >= 2, k[0] == UInt8(ascii: "a"), k[1] >= 0x30, k[1] <= 0x39 else { continue }
                // aN, aN[i] (a chunk of a long argument), aN_len (skipped).
                var index = 0
                var i = 1
                while i < k.count, k[i] >= 0x30, k[i] <= 0x39, index < 1 << 20 {
                    index = index * 10 + Int(k[i] - 0x30)
                    i += 1
                }
                let chunk = i < k.count
                if chunk, k[i] != UInt8(ascii: "[") { continue }
                guard index < 1 << 16 else { continue }  // bounded: the kernel caps argv by ARG_MAX anyway
                if event.process.argv.count <= index {
                    event.process.argv.append(contentsOf: repeatElement("", count: index + 1 - event.process.argv.count))
                }
                let v = buf.slice(f.valueStart, f.valueLength)
                if !chunk {
                    event.process.argv[index] = FieldValue.untrustedText(v, f.encoding) ?? ""
                    continue
                }
                _ = FieldValue.untrusted(v, f.encoding, into: &argumentChunks[index, default: []])
            }
        }

        mutating func pathRecord(_ fields: UnsafeBufferPointer<AuditField>, _ buf: UnsafeRawBufferPointer) {
            var p = AuditPath()
            for f in fields where f.origin == .kernel {
                let k = buf.slice(f.keyStart, f.keyLength)
                let v = buf.slice(f.valueStart, f.valueLength)
                switch FieldName.pack(k) {
                case FieldName.name:
                    let slot = event.paths.count
                    p.name = slot < pathNameMemos.count
                        ? pathNameMemos[slot].text(for: v, f.encoding) { FieldValue.untrustedText(v, f.encoding) }
                        : FieldValue.untrustedText(v, f.encoding)
                case FieldName.inode: p.inode = FieldValue.uint64(v)
                case FieldName.mode: p.mode = FieldValue.octal(v)
                case FieldName.ouid: p.ouid = FieldValue.uint32(v)
                case FieldName.ogid: p.ogid = FieldValue.uint32(v)
                case FieldName.nametype, FieldName.objtype: p.nametype = AuditText.make(v)
                default: break
                }
            }
            event.paths.append(p)
        }

        /// Every other record: CWD, SOCKADDR, PROCTITLE, user messages, CONFIG_CHANGE, DAEMON_*, …
        mutating func genericRecord(
            _ type: AuditRecordType, _ fields: UnsafeBufferPointer<AuditField>, _ buf: UnsafeRawBufferPointer
        ) {
            let isUser = type.isSingleRecord
            for f in fields {
                let k = buf.slice(f.keyStart, f.keyLength)
                let v = buf.slice(f.valueStart, f.valueLength)
                if f.origin == .enriched {
                    enriched(k, v, f.encoding)
                    continue
                }
                if f.origin == .userMessage || (isUser && f.origin == .kernel && FieldName.pack(k) == FieldName.res) {
                    if userField(k, v, f.encoding) { continue }
                }
                if type == .configChange, f.origin == .kernel, configField(k, v) { continue }
                switch FieldName.pack(k) {
                case FieldName.pid: setPID(v)
                case FieldName.uid: event.user.uid = event.user.uid ?? FieldValue.uint32(v)
                case FieldName.gid: event.user.gid = event.user.gid ?? FieldValue.uint32(v)
                case FieldName.euid: event.user.euid = event.user.euid ?? FieldValue.uint32(v)
                case FieldName.arch where archText == nil: setArch(v)  // SECCOMP, ANOM_ABEND…
                case FieldName.syscall where syscallNumber == nil && syscallName == nil:
                    if let n = FieldValue.int(v) { syscallNumber = Int(n) } else { syscallName = AuditText.make(v) }
                case FieldName.auid: event.user.auid = event.user.auid ?? FieldValue.uint32(v)
                case FieldName.ses: event.user.ses = event.user.ses ?? FieldValue.uint32(v)
                case FieldName.key: addKeys(v, f.encoding)
                case FieldName.comm: event.process.comm = event.process.comm ?? FieldValue.untrustedText(v, f.encoding)
                case FieldName.exe: event.process.exe = event.process.exe ?? exeMemo.text(for: v, f.encoding) { FieldValue.untrustedText(v, f.encoding) }
                case FieldName.cwd: event.process.cwd = event.process.cwd ?? cwdMemo.text(for: v, f.encoding) { FieldValue.untrustedText(v, f.encoding) }
                case FieldName.saddr where event.socket == nil:
                    scratch.removeAll(keepingCapacity: true)
                    if FieldValue.untrusted(v, f.encoding, into: &scratch) { event.socket = SocketAddressDecoder.decode(scratch) }
                case FieldName.res where event.success == nil || type == .configChange:
                    // Kernel records (CONFIG_CHANGE, LOGIN, …) write res=1 / res=0.
                    event.success = FieldValue.equals(v, "1") ? true : FieldValue.equals(v, "0") ? false : event.success
                case 0 where event.process.proctitle == nil && FieldValue.equals(k, "proctitle"):
                    setProctitle(v, f.encoding)
                default: break
                }
            }
        }

        /// Completes ``event`` in place.
        mutating func finish() {
            if let archText {
                let number = syscallNumber ?? -1
                let name = syscallName ?? arch.flatMap { SyscallTable.name(arch: $0, number: number) }
                event.syscall = AuditSyscall(arch: archText, number: number, name: name, exit: exit, arguments: args)
            }
            for (index, bytes) in argumentChunks where index < event.process.argv.count {
                event.process.argv[index] = AuditText.make(bytes)
            }
            // Moved, not copied (a copy retains each string, and reset() releases them again).
            if haveUserMessage {
                var message = AuditUserMessage()
                swap(&message, &userMessage)
                event.userMessage = message  // its last use: moved
            }
            swap(&event.config, &config)  // event.config is nil: reset() cleared it
            event.kind = kind()
        }

        func kind() -> AuditEventKind {
            if kindFromRecords == .auditConfig { return .auditConfig }
            switch event.syscall?.name {
            case "execve", "execveat": return .exec
            case "connect": return .connect
            case "bind": return .bind
            case "listen": return .listen
            case "accept", "accept4": return .accept
            default: break
            }
            if let kindFromRecords { return kindFromRecords }
            if !event.keys.isEmpty, !event.paths.isEmpty { return .file }
            return .other
        }
    }
}
