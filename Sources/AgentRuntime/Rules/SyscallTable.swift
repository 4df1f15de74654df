import CLinuxAudit

/// Syscall names by number for one architecture, as `-S` in auditctl(8) needs them.
///
/// The tables are generated from the kernel's uapi headers by
/// `Scripts/generate-syscall-tables.py` into `SyscallTable+<arch>.swift`.
public struct SyscallTable: Sendable {
    private let names: [String]
    private let numbers: [String: UInt32]

    /// - Parameter names: names separated by whitespace, position = syscall number, `_` for a gap.
    init(names list: String) {
        let names = list.split(whereSeparator: \.isWhitespace).map(String.init)
        self.names = names
        var numbers: [String: UInt32] = [:]
        for (number, name) in names.enumerated() where name != "_" && numbers[name] == nil {
            numbers[name] = UInt32(number)
        }
        self.numbers = numbers
    }

    /// - Parameter sparse: names by number for a table we only know in part.
    init(sparse: [UInt32: String]) {
        let count = Int(sparse.keys.max() ?? 0) + 1
        self.init(names: (0..<count).map { sparse[UInt32($0)] ?? "_" }.joined(separator: " "))
    }

    /// The number of `name`, or `nil` when this architecture has no such syscall.
    public func number(of name: String) -> UInt32? { numbers[name] }

    /// The name of syscall `number`, or `nil` when the number is unassigned here.
    public func name(of number: UInt32) -> String? {
        guard Int(number) < names.count, names[Int(number)] != "_" else { return nil }
        return names[Int(number)]
    }
}

/// The machine rules are written for: it gives `-F arch=b64|b32` its AUDIT_ARCH_* value and
/// picks the syscall table (auditctl(8), "-F arch").
public enum AuditMachine: String, Sendable, Hashable, CaseIterable {
    case x86_64
    case aarch64

    /// The machine this binary runs on.
    public static var host: AuditMachine {
        #if arch(arm64)
        return .aarch64
        #else
        return .x86_64
        #endif
    }

    /// AUDIT_ARCH_* of `b64` on this machine.
    public var arch64: UInt32 {
        switch self {
        case .x86_64: herdwatch_audit_arch_x86_64()
        case .aarch64: herdwatch_audit_arch_aarch64()
        }
    }

    /// AUDIT_ARCH_* of `b32` on this machine (i386 or 32-bit ARM).
    public var arch32: UInt32 {
        switch self {
        case .x86_64: herdwatch_audit_arch_i386()
        case .aarch64: herdwatch_audit_arch_arm()
        }
    }

    /// The syscall table for an AUDIT_ARCH_* value, or this machine's 64-bit table for `nil`
    /// (no `-F arch`). `nil` when we carry no table for that architecture. The 32-bit ARM
    /// table is partial (see `SyscallTable.arm`).
    public func syscallTable(arch: UInt32?) -> SyscallTable? {
        switch arch ?? arch64 {
        case herdwatch_audit_arch_x86_64(): .x86_64
        case herdwatch_audit_arch_i386(): .i386
        case herdwatch_audit_arch_aarch64(): .aarch64
        case herdwatch_audit_arch_arm(): .arm
        default: nil
        }
    }

    /// Every AUDIT_ARCH_* name `-F arch=` accepts, besides b64 and b32.
    static let archNames: [(name: String, value: UInt32)] = [
        ("x86_64", herdwatch_audit_arch_x86_64()), ("i386", herdwatch_audit_arch_i386()),
        ("aarch64", herdwatch_audit_arch_aarch64()), ("arm", herdwatch_audit_arch_arm()),
    ]
}
