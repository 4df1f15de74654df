import CLinuxAudit

/// One kernel audit rule, as auditctl(8) writes it and as `struct audit_rule_data`
/// (linux/audit.h) carries it to and from the kernel.
///
/// A watch (`-w /etc/ssh -p wa -k ssh`) is not a separate kind: auditctl sends it as an
/// exit-list rule on all syscalls with a `dir=` or `path=` field, a `perm=` field and a key, and
/// lists it back in `-w` form. ``AuditRule`` does the same: ``isWatch`` recognises that shape.
///
/// ```swift
/// let rules = try AuditRuleParser().parse(file: "-a always,exit -F arch=b64 -S execve -k exec\n")
/// ```
public struct AuditRule: Sendable, Hashable {
    /// `always` (AUDIT_ALWAYS: record) or `never` (AUDIT_NEVER: suppress).
    public enum Action: UInt32, Sendable, Hashable, CaseIterable {
        case never = 0
        case always = 2

        var name: String { self == .always ? "always" : "never" }
    }

    /// The filter list the rule sits on (AUDIT_FILTER_*).
    public enum FilterList: UInt32, Sendable, Hashable, CaseIterable {
        case user = 0x00
        case task = 0x01
        case exit = 0x04
        case exclude = 0x05
        case filesystem = 0x06
        case ioUring = 0x07

        /// The auditctl(8) spelling.
        public var name: String {
            switch self {
            case .user: "user"
            case .task: "task"
            case .exit: "exit"
            case .exclude: "exclude"
            case .filesystem: "filesystem"
            case .ioUring: "io_uring"
            }
        }
    }

    public var action: Action
    public var list: FilterList
    /// `-A` instead of `-a`: put the rule first on its list (AUDIT_FILTER_PREPEND). The kernel
    /// does not report it back.
    public var prepend: Bool
    /// Syscall numbers (`-S`), sorted; empty when the rule names none.
    public var syscalls: [UInt32]
    /// All syscalls (`-S all`, and every watch).
    public var allSyscalls: Bool
    /// `-F` comparisons in the order given (the kernel keeps that order).
    public var fields: [AuditField]

    public init(
        action: Action = .always, list: FilterList = .exit, prepend: Bool = false,
        syscalls: [UInt32] = [], allSyscalls: Bool = false, fields: [AuditField] = []
    ) {
        self.action = action
        self.list = list
        self.prepend = prepend
        self.syscalls = syscalls
        self.allSyscalls = allSyscalls
        self.fields = fields
    }

    /// The rule's key (`-k`, `-F key=`), if any.
    public var key: String? {
        fields.first { $0.kind == .key }.flatMap { if case .string(let s) = $0.value { s } else { nil } }
    }

    /// The AUDIT_ARCH_* value of an `arch=` field, if any.
    public var arch: UInt32? {
        fields.first { $0.kind == .arch }.flatMap { if case .number(let n) = $0.value { n } else { nil } }
    }

    /// True for the kernel form of `-w`: always,exit on all syscalls with one `dir=`/`path=`
    /// field compared with `=`, plus only `perm=` and `key=`.
    public var isWatch: Bool {
        guard action == .always, list == .exit, allSyscalls else { return false }
        let targets = fields.filter { $0.kind == .dir || $0.kind == .path }
        guard targets.count == 1, targets[0].comparison == .equal else { return false }
        return fields.allSatisfy { [.dir, .path, .perm, .key].contains($0.kind) && $0.comparison == .equal }
    }
}

/// One `-F name op value` comparison (linux/audit.h: `fields[i]`, `fieldflags[i]`, `values[i]`).
public struct AuditField: Sendable, Hashable {
    /// A field's kernel number (AUDIT_UID, AUDIT_ARCH…) with its auditctl name.
    public struct Kind: Sendable, Hashable {
        public let number: UInt32
        public let name: String
        /// String fields carry their text in `audit_rule_data.buf`, their length in `values[i]`.
        public let isString: Bool

        public init(number: UInt32, name: String, isString: Bool) {
            self.number = number
            self.name = name
            self.isString = isString
        }

        public static let uid = known(UInt32(AUDIT_UID))
        public static let euid = known(UInt32(AUDIT_EUID))
        public static let auid = known(UInt32(AUDIT_LOGINUID))
        public static let arch = known(UInt32(AUDIT_ARCH))
        public static let exit = known(UInt32(AUDIT_EXIT))
        public static let success = known(UInt32(AUDIT_SUCCESS))
        public static let path = known(UInt32(AUDIT_WATCH))
        public static let perm = known(UInt32(AUDIT_PERM))
        public static let dir = known(UInt32(AUDIT_DIR))
        public static let key = known(UInt32(AUDIT_FILTERKEY))

        /// The kind of field `number`; unknown numbers get their number as name and are numeric
        /// (every string field of the kernel's `audit_data_to_entry` is in ``all``).
        public static func known(_ number: UInt32) -> Kind {
            all.first { $0.number == number } ?? Kind(number: number, name: "\(number)", isString: false)
        }

        /// The kind named `name` in auditctl(8) (`-F name=`), if Herdwatch knows it.
        public static func named(_ name: String) -> Kind? { all.first { $0.name == name } }

        /// Field numbers and auditctl names from linux/audit.h ("Rule fields").
        public static let all: [Kind] = {
            let numeric: [(UInt32, String)] = [
                (0, "pid"), (1, "uid"), (2, "euid"), (3, "suid"), (4, "fsuid"), (5, "gid"), (6, "egid"),
                (7, "sgid"), (8, "fsgid"), (9, "auid"), (10, "pers"), (11, "arch"), (12, "msgtype"),
                (18, "ppid"), (24, "loginuid_set"), (25, "sessionid"), (26, "fstype"), (100, "devmajor"),
                (101, "devminor"), (102, "inode"), (103, "exit"), (104, "success"), (106, "perm"),
                (108, "filetype"), (109, "obj_uid"), (110, "obj_gid"), (111, "field_compare"),
                (113, "saddr_fam"), (200, "a0"), (201, "a1"), (202, "a2"), (203, "a3"),
            ]
            let strings: [(UInt32, String)] = [
                (13, "subj_user"), (14, "subj_role"), (15, "subj_type"), (16, "subj_sen"), (17, "subj_clr"),
                (19, "obj_user"), (20, "obj_role"), (21, "obj_type"), (22, "obj_lev_low"), (23, "obj_lev_high"),
                (105, "path"), (107, "dir"), (112, "exe"), (210, "key"),
            ]
            return numeric.map { Kind(number: $0.0, name: $0.1, isString: false) }
                + strings.map { Kind(number: $0.0, name: $0.1, isString: true) }
        }()
    }

    /// A comparison operator (AUDIT_EQUAL… in `fieldflags`).
    public enum Comparison: UInt32, Sendable, Hashable, CaseIterable {
        case equal = 0x4000_0000
        case notEqual = 0x3000_0000
        case lessThan = 0x1000_0000
        case greaterThan = 0x2000_0000
        case lessThanOrEqual = 0x5000_0000
        case greaterThanOrEqual = 0x6000_0000
        case bitMask = 0x0800_0000
        case bitTest = 0x4800_0000

        /// The auditctl(8) spelling.
        public var symbol: String {
            switch self {
            case .equal: "="
            case .notEqual: "!="
            case .lessThan: "<"
            case .greaterThan: ">"
            case .lessThanOrEqual: "<="
            case .greaterThanOrEqual: ">="
            case .bitMask: "&"
            case .bitTest: "&="
            }
        }
    }

    public enum Value: Sendable, Hashable {
        case number(UInt32)
        case string(String)
    }

    public var kind: Kind
    public var comparison: Comparison
    public var value: Value

    public init(_ kind: Kind, _ comparison: Comparison = .equal, _ value: Value) {
        self.kind = kind
        self.comparison = comparison
        self.value = value
    }
}
