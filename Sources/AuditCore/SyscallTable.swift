/// Audit architecture tokens and syscall names: the one syscall table of Herdwatch, used to name
/// the syscall of an event and to turn the `-S name` of an audit rule into its number.
///
/// `arch=` is the `AUDIT_ARCH_*` value from `<linux/audit.h>` in hexadecimal
/// (EM_* machine | __AUDIT_ARCH_64BIT 0x80000000 | __AUDIT_ARCH_LE 0x40000000).
/// Names exist for x86_64, i386, aarch64 and (in part, see `armNames`) 32-bit ARM; other
/// arches keep the number only. The tables are generated from the kernel's uapi headers by
/// `Scripts/generate-syscall-tables.py`.
public enum SyscallTable {
    public enum Arch: UInt32, Sendable, CaseIterable {
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

    /// True when there is a table for `arch` (names and numbers can be looked up).
    public static func hasTable(_ arch: Arch) -> Bool { names(arch) != nil }

    /// The syscall's name on `arch`, nil when unknown.
    public static func name(arch: Arch, number: Int) -> String? {
        guard let table = names(arch), number >= 0, number < table.count else { return nil }
        let s = table[number]
        return s.utf8CodeUnitCount == 0 ? nil : s.description
    }

    /// The number of syscall `name` on `arch`, nil when `arch` has no table or no such syscall
    /// (auditctl(8) `-S`). Where a name appears twice the lower number wins.
    public static func number(arch: Arch, name: String) -> Int? {
        let numbers: [String: Int]
        switch arch {
        case .x86_64: numbers = x86_64Numbers
        case .aarch64: numbers = aarch64Numbers
        case .i386: numbers = i386Numbers
        case .arm: numbers = armNumbers
        default: return nil
        }
        return numbers[name]
    }

    /// Index = syscall number; "" where the number is unassigned.
    static func names(_ arch: Arch) -> [StaticString]? {
        switch arch {
        case .x86_64: x86_64Names
        case .aarch64: aarch64Names
        case .i386: i386Names
        case .arm: armNames
        default: nil
        }
    }

    static let x86_64Numbers = numbers(x86_64Names)
    static let aarch64Numbers = numbers(aarch64Names)
    static let i386Numbers = numbers(i386Names)
    static let armNumbers = numbers(armNames)

    private static func numbers(_ names: [StaticString]) -> [String: Int] {
        var numbers: [String: Int] = [:]
        for (number, name) in names.enumerated() where name.utf8CodeUnitCount > 0 && numbers[name.description] == nil {
            numbers[name.description] = number
        }
        return numbers
    }
}
