import FleetModel

/// The fields that take more than one value parse: user-message and CONFIG_CHANGE fields,
/// ENRICHED names, identities, arch, rule keys and PROCTITLE.
extension AuditEventNormalizer.Builder {
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
            p.storeBytes(of: x | ByteScan.zeroBytes(x) >> 2, toByteOffset: i, as: UInt64.self)  // 0x80 >> 2 is a space
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
}
