/// Audit architecture tokens and syscall names.
///
/// `arch=` is the `AUDIT_ARCH_*` value from `<linux/audit.h>` in hexadecimal
/// (EM_* machine | __AUDIT_ARCH_64BIT 0x80000000 | __AUDIT_ARCH_LE 0x40000000).
/// Names exist for x86_64 and aarch64; other arches keep the number only.
public enum SyscallTable {
    public enum Arch: UInt32, Sendable {
        case x86_64 = 0xC000_003E
        case aarch64 = 0xC000_00B7
        case i386 = 0x4000_0003
        case arm = 0x4000_0028
        case ppc64le = 0xC000_0015
        case ppc64 = 0x8000_0015
        case s390x = 0x8000_0016
        case riscv64 = 0xC000_00F3

        public var name: String {
            switch self {
            case .x86_64: "x86_64"
            case .aarch64: "aarch64"
            case .i386: "i386"
            case .arm: "armeb"
            case .ppc64le: "ppc64le"
            case .ppc64: "ppc64"
            case .s390x: "s390x"
            case .riscv64: "riscv64"
            }
        }
    }

    /// The syscall's name on `arch`, nil when unknown.
    public static func name(arch: Arch, number: Int) -> String? {
        let table: [StaticString]
        switch arch {
        case .x86_64: table = x86_64Names
        case .aarch64: table = aarch64Names
        default: return nil
        }
        guard number >= 0, number < table.count else { return nil }
        let s = table[number]
        return s.utf8CodeUnitCount == 0 ? nil : s.description
    }
}
