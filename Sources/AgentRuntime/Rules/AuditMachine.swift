import AuditCore
import CLinuxAudit

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

    /// The architecture whose syscall table (AuditCore's ``SyscallTable``) serves an AUDIT_ARCH_*
    /// value, or this machine's 64-bit one for `nil` (no `-F arch`). `nil` when there is no table
    /// for that architecture. The 32-bit ARM table is partial (see `SyscallTable.armNames`).
    public func syscallTable(arch: UInt32?) -> SyscallTable.Arch? {
        guard let table = SyscallTable.Arch(rawValue: arch ?? arch64), SyscallTable.hasTable(table) else { return nil }
        return table
    }

    /// Every AUDIT_ARCH_* name `-F arch=` accepts, besides b64 and b32.
    static let archNames: [(name: String, value: UInt32)] = [
        ("x86_64", herdwatch_audit_arch_x86_64()), ("i386", herdwatch_audit_arch_i386()),
        ("aarch64", herdwatch_audit_arch_aarch64()), ("arm", herdwatch_audit_arch_arm()),
    ]
}
