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

        /// Forgets the last event, keeping the storage of its arrays where nobody else holds them.
        ///
        /// Field by field, each only when set: assigning whole new values (`AuditProcess()`,
        /// nil to an optional struct) runs the outlined destroy of every field in it, set or
        /// not, and emptying an array goes through the generic `replaceSubrange`. A tripwire in
        /// BuilderReuseTests counts the fields, so a new one cannot be forgotten here.
        mutating func reset() {
            // Optional structs are tested through a field (`?.field != nil`): `!= nil` copies
            // the whole value (retaining each of its strings) to test it, then destroys the copy.
            if event.syscall?.number != nil {
                swap(&args, &event.syscall!.arguments)
                event.syscall = nil
            }
            Self.empty(&args)
            event.timestampMilliseconds = 0
            event.serial = 0
            if event.node != nil { event.node = nil }
            event.kind = .other
            Self.empty(&event.recordTypes)
            resetProcess()
            resetUser()
            Self.empty(&event.paths)
            if event.socket?.family != nil { event.socket = nil }
            Self.empty(&event.keys)
            if event.config?.byAgent != nil { event.config = nil }
            event.success = nil
            haveStamp = false
            arch = nil
            if archText != nil { archText = nil }
            syscallNumber = nil
            if syscallName != nil { syscallName = nil }
            exit = nil
            if !argumentChunks.isEmpty { argumentChunks = [:] }
            kindFromRecords = nil
            if haveUserMessage { event.userMessage = nil }  // the only way it gets set (finish())
            haveUserMessage = false
            if config?.byAgent != nil { config = nil }
        }

        private mutating func resetProcess() {
            event.process.pid = nil
            event.process.ppid = nil
            if event.process.comm != nil { event.process.comm = nil }
            if event.process.exe != nil { event.process.exe = nil }
            if event.process.parentExe != nil { event.process.parentExe = nil }
            Self.empty(&event.process.argv)
            if event.process.cwd != nil { event.process.cwd = nil }
            if event.process.proctitle != nil { event.process.proctitle = nil }
            if event.process.tty != nil { event.process.tty = nil }
        }

        private mutating func resetUser() {
            event.user.uid = nil
            event.user.euid = nil
            event.user.gid = nil
            event.user.auid = nil
            event.user.ses = nil
            if event.user.uidName != nil { event.user.uidName = nil }
            if event.user.euidName != nil { event.user.euidName = nil }
            if event.user.gidName != nil { event.user.gidName = nil }
            if event.user.auidName != nil { event.user.auidName = nil }
        }

        /// Empties `array`, keeping its storage when unshared.
        @inline(__always)
        static func empty<T>(_ array: inout [T]) {
            for _ in 0..<array.count { array.removeLast() }
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

        /// A field of a CONFIG_CHANGE record (kernel `audit_log_rule_change`,
        /// `audit_log_config_change`); returns false for the fields the generic handling takes
        /// (auid, ses, key, res, subj). Values are kept as written, not hex decoded: `audit_pid=1234`
        /// is a number, not two bytes.
        mutating func configField(_ k: UnsafeRawBufferPointer, _ v: UnsafeRawBufferPointer) -> Bool {
            switch FieldName.pack(k) {
            case FieldName.op:
                if config == nil { config = AuditConfigChange() }
                config!.op = config!.op ?? AuditText.make(v)
            case FieldName.old:
                if config == nil { config = AuditConfigChange() }
                config!.old = config!.old ?? AuditText.make(v)
            case FieldName.list:
                if config == nil { config = AuditConfigChange() }
                config!.list = config!.list ?? FieldValue.int(v).map { Int($0) }
            default:
                // audit_enabled, audit_pid, audit_failure, audit_rate_limit, audit_backlog_limit, …
                guard k.count > 6, k.starts(with: "audit_".utf8), config?.setting == nil else { return false }
                if config == nil { config = AuditConfigChange() }
                config!.setting = AuditText.make(k)
                config!.value = AuditText.make(v)
            }
            return true
        }

        /// A field inside `msg='…'`; returns false to let the generic handling see it.
        mutating func userField(_ k: UnsafeRawBufferPointer, _ v: UnsafeRawBufferPointer, _ e: AuditField.Encoding) -> Bool {
            func text() -> String? { FieldValue.equals(v, "?") ? nil : FieldValue.untrustedText(v, e) }
            switch FieldName.pack(k) {
            case FieldName.op: userMessage.op = text()
            case FieldName.acct: userMessage.acct = text()
            case FieldName.exe:
                userMessage.exe = text()
                event.process.exe = event.process.exe ?? userMessage.exe
            case FieldName.addr: userMessage.addr = text()
            case FieldName.hostname: userMessage.hostname = text()
            case FieldName.terminal: userMessage.terminal = text()
            case FieldName.res, FieldName.result:
                userMessage.result = text()
                if FieldValue.equals(v, "success") || FieldValue.equals(v, "1") { event.success = true }
                else if FieldValue.equals(v, "failed") || FieldValue.equals(v, "0") || FieldValue.equals(v, "fail") { event.success = false }
            default: return false
            }
            haveUserMessage = true
            return true
        }

        mutating func enriched(_ k: UnsafeRawBufferPointer, _ v: UnsafeRawBufferPointer, _ e: AuditField.Encoding) {
            switch FieldName.pack(k) {
            case FieldName.uidEnriched: event.user.uidName = event.user.uidName ?? AuditText.make(v)
            case FieldName.euidEnriched: event.user.euidName = event.user.euidName ?? AuditText.make(v)
            case FieldName.gidEnriched: event.user.gidName = event.user.gidName ?? AuditText.make(v)
            case FieldName.auidEnriched: event.user.auidName = event.user.auidName ?? AuditText.make(v)
            default: break
            }
        }

        mutating func setPID(_ v: UnsafeRawBufferPointer) { event.process.pid = event.process.pid ?? FieldValue.int32(v) }

        mutating func setTTY(_ v: UnsafeRawBufferPointer) {
            guard event.process.tty == nil, !FieldValue.equals(v, "(none)") else { return }
            event.process.tty = AuditText.make(v)
        }

        mutating func setArch(_ v: UnsafeRawBufferPointer) {
            if let a = FieldValue.hex(v).flatMap({ UInt32(exactly: $0) }) {
                arch = SyscallTable.Arch(rawValue: a)
                archText = arch?.name ?? AuditText.make(v)
            } else {
                archText = AuditText.make(v)  // already interpreted (`arch=x86_64`)
                if archText == "x86_64" { arch = .x86_64 } else if archText == "aarch64" { arch = .aarch64 }
            }
        }

        /// At most this many keys per event: the kernel's key field is at most 256 bytes
        /// (`AUDIT_MAX_KEY_LEN`), so 128 one-byte keys. A hostile record with thousands of
        /// distinct keys made the duplicate check (a linear `contains`) quadratic: minutes.
        static let maximumKeys = 128

        /// Rule keys: several keys are joined by 0x01 (`AUDIT_KEY_SEPARATOR`, `<linux/audit.h>`) and then hex encoded.
        mutating func addKeys(_ v: UnsafeRawBufferPointer, _ e: AuditField.Encoding) {
            guard event.keys.count < Self.maximumKeys else { return }
            if e != .bare {
                // Quoted: one key, no 0x01 inside (that would have been hex encoded).
                guard !v.isEmpty else { return }
                guard let key = keyMemo.text(for: v, e, make: { AuditText.make(v) }) else { return }
                if !event.keys.contains(key) { event.keys.append(key) }
                return
            }
            scratch.removeAll(keepingCapacity: true)
            guard FieldValue.untrusted(v, e, into: &scratch), !scratch.isEmpty else { return }
            for part in scratch.split(separator: 0x01) where event.keys.count < Self.maximumKeys {
                let key = AuditText.make(part)
                if !event.keys.contains(key) { event.keys.append(key) }
            }
        }

        /// PROCTITLE: the process's argv area, NUL separated (kernel `audit_log_proctitle`, capped
        /// at 128 bytes); the text of the last one is reused when the next repeats it.
        mutating func setProctitle(_ v: UnsafeRawBufferPointer, _ e: AuditField.Encoding) {
            event.process.proctitle = proctitleMemo.text(for: v, e) { Self.proctitle(v, e) }
        }

        /// A PROCTITLE value as text, NULs as spaces. Decoded in a temporary (on the stack for
        /// the kernel's 128 bytes): no array per event.
        static func proctitle(_ v: UnsafeRawBufferPointer, _ e: AuditField.Encoding) -> String? {
            withUnsafeTemporaryAllocation(byteCount: max(v.count, 1), alignment: 1) { out in
                guard var n = FieldValue.untrusted(v, e, to: out.baseAddress!) else { return nil }
                let p = out.baseAddress!.assumingMemoryBound(to: UInt8.self)
                while n > 0, p[n - 1] == 0 { n -= 1 }
                Self.replaceNULsWithSpaces(UnsafeMutableRawPointer(p), n)
                return AuditText.make(UnsafeRawBufferPointer(start: p, count: n))
            }
        }

        /// Writes a space over every NUL of `p[0..<n]`, eight bytes at a time (the compiler made
        /// the plain loop a vector loop that stored byte by byte through lane extracts).
        static func replaceNULsWithSpaces(_ p: UnsafeMutableRawPointer, _ n: Int) {
            @inline(__always) func word(at i: Int) {
                let x = p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                let low7 = ByteScan.ones &* 0x7F
                let nul = ~(((x & low7) &+ low7) | x | low7)  // 0x80 in exactly the zero bytes
                p.storeBytes(of: x | nul >> 2, toByteOffset: i, as: UInt64.self)  // 0x80 >> 2 is a space
            }
            guard n >= 8 else {
                for i in 0..<n where p.load(fromByteOffset: i, as: UInt8.self) == 0 { p.storeBytes(of: 0x20, toByteOffset: i, as: UInt8.self) }
                return
            }
            var i = 0
            while i + 8 <= n {
                word(at: i)
                i += 8
            }
            if i < n { word(at: n - 8) }  // overlaps bytes already done: a space stays a space
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
