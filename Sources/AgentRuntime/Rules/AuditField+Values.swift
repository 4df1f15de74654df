import CLinuxAudit

/// Turning `-F` values from auditctl(8) text into `values[i]` and back.
extension AuditField {
    /// Why a `-F` value is not valid, in words that name it.
    struct InvalidValue: Error { var reason: String }

    /// Parses the text of a value for `kind`.
    /// - Throws: ``InvalidValue`` with a reason that names the value.
    static func parseValue(_ text: String, kind: Kind, machine: AuditMachine) throws(InvalidValue) -> Value {
        if kind.isString {
            guard !text.isEmpty else { throw InvalidValue(reason: "\(kind.name) needs a value") }
            if kind == .key, text.utf8.count > Int(AUDIT_MAX_KEY_LEN) {
                throw InvalidValue(reason: "key longer than \(AUDIT_MAX_KEY_LEN) bytes")
            }
            if kind == .path || kind == .dir, !text.hasPrefix("/") {
                throw InvalidValue(reason: "\(kind.name) must be an absolute path, not '\(text)'")
            }
            return (.string(text))
        }
        switch kind {
        case .arch:
            if text == "b64" { return (.number(machine.arch64)) }
            if text == "b32" { return (.number(machine.arch32)) }
            if let named = AuditMachine.archNames.first(where: { $0.name == text }) { return (.number(named.value)) }
        case .auid, .uid, .euid:
            if text == "unset" || text == "-1" { return (.number(herdwatch_audit_uid_unset())) }
        case .perm:
            var bits: UInt32 = 0
            for letter in text {
                guard let bit = permissionLetters.first(where: { $0.letter == letter })?.bit else {
                    throw InvalidValue(reason: "perm '\(text)' may only hold the letters r, w, x and a")
                }
                bits |= bit
            }
            guard !text.isEmpty else { throw InvalidValue(reason: "perm needs at least one of r, w, x, a") }
            return .number(bits)
        case .exit:
            if text.hasPrefix("-E"), let errno = errnoNames.first(where: { $0.name == text.dropFirst() }) {
                return (.number(UInt32(bitPattern: -errno.value)))
            }
        default:
            break
        }
        if let value = UInt32(text) { return (.number(value)) }
        if let value = Int32(text) { return (.number(UInt32(bitPattern: value))) }
        if text.hasPrefix("0x"), let value = UInt32(text.dropFirst(2), radix: 16) { return (.number(value)) }
        throw InvalidValue(reason: "'\(text)' is not a valid value for \(kind.name)")
    }

    /// The auditctl(8) text of `value` for `kind`, the inverse of ``parseValue(_:kind:machine:)``.
    static func formatValue(_ value: Value, kind: Kind, machine: AuditMachine) -> String {
        let number: UInt32
        switch value {
        case .string(let text): return text
        case .number(let n): number = n
        }
        switch kind {
        case .arch:
            if number == machine.arch64 { return "b64" }
            if number == machine.arch32 { return "b32" }
            if let named = AuditMachine.archNames.first(where: { $0.value == number }) { return named.name }
            return "0x" + String(number, radix: 16)
        case .auid, .uid, .euid:
            return number == herdwatch_audit_uid_unset() ? "-1" : String(number)  // as auditctl -l prints it
        case .perm:
            return String(permissionLetters.filter { number & $0.bit != 0 }.map(\.letter))
        case .exit:
            let signed = Int32(bitPattern: number)
            if signed < 0, let errno = errnoNames.first(where: { $0.value == -signed }) { return "-" + errno.name }
            return String(signed)
        default:
            return String(number)
        }
    }

    /// `-p` letters in the order auditctl prints them (AUDIT_PERM_READ, _WRITE, _EXEC, _ATTR).
    static let permissionLetters: [(letter: Character, bit: UInt32)] = [
        ("r", UInt32(AUDIT_PERM_READ)), ("w", UInt32(AUDIT_PERM_WRITE)),
        ("x", UInt32(AUDIT_PERM_EXEC)), ("a", UInt32(AUDIT_PERM_ATTR)),
    ]

    /// errno names for `-F exit=-EACCES` (asm-generic/errno-base.h and errno.h; the same
    /// numbers on x86_64 and aarch64).
    static let errnoNames: [(name: String, value: Int32)] = [
        ("EPERM", 1), ("ENOENT", 2), ("ESRCH", 3), ("EINTR", 4), ("EIO", 5), ("ENXIO", 6), ("E2BIG", 7),
        ("ENOEXEC", 8), ("EBADF", 9), ("ECHILD", 10), ("EAGAIN", 11), ("ENOMEM", 12), ("EACCES", 13),
        ("EFAULT", 14), ("EBUSY", 16), ("EEXIST", 17), ("EXDEV", 18), ("ENODEV", 19), ("ENOTDIR", 20),
        ("EISDIR", 21), ("EINVAL", 22), ("ENFILE", 23), ("EMFILE", 24), ("ETXTBSY", 26), ("EFBIG", 27),
        ("ENOSPC", 28), ("ESPIPE", 29), ("EROFS", 30), ("EMLINK", 31), ("EPIPE", 32), ("ENOSYS", 38),
        ("ENOTEMPTY", 39), ("ELOOP", 40), ("EOPNOTSUPP", 95), ("EAFNOSUPPORT", 97), ("EADDRINUSE", 98),
        ("ENETUNREACH", 101), ("ECONNRESET", 104), ("ETIMEDOUT", 110), ("ECONNREFUSED", 111),
        ("EINPROGRESS", 115),
    ]
}
