import CLinuxAudit

/// `struct audit_rule_data` (linux/audit.h), the payload of AUDIT_ADD_RULE, AUDIT_DEL_RULE and
/// each AUDIT_LIST_RULES reply. All integers are u32 in host byte order:
///
/// ```
/// flags (AUDIT_FILTER_* | AUDIT_FILTER_PREPEND), action, field_count,
/// mask[AUDIT_BITMASK_SIZE = 64]           syscall bits: word nr / 32, bit 1 << (nr % 32)
/// fields[64], values[64], fieldflags[64]  field number, value or string length, operator
/// buflen, buf[buflen]                     string values back to back, no NUL
/// ```
extension AuditRule {
    /// AUDIT_MAX_FIELDS.
    public static let maximumFields = Int(AUDIT_MAX_FIELDS)
    /// One past the highest syscall number: the last word of `mask` holds syscall class bits
    /// (AUDIT_CLASS_*) that the kernel expands and clears (kernel/auditfilter.c
    /// `audit_to_entry_common`), so syscalls live in the first AUDIT_BITMASK_SIZE - 1 words.
    public static let maximumSyscall = (Int(AUDIT_BITMASK_SIZE) - 1) * 32

    private static let maskOffset = 12
    private static let fieldsOffset = maskOffset + 4 * Int(AUDIT_BITMASK_SIZE)
    private static let valuesOffset = fieldsOffset + 4 * maximumFields
    private static let flagsOffset = valuesOffset + 4 * maximumFields
    private static let buflenOffset = flagsOffset + 4 * maximumFields
    /// sizeof(struct audit_rule_data) without `buf`: 1040.
    static let fixedSize = Int(herdwatch_audit_rule_data_size())

    /// The `struct audit_rule_data` bytes for this rule.
    ///
    /// Requires at most ``maximumFields`` fields and syscalls below ``maximumSyscall``, as the
    /// parser guarantees; more is a programming error.
    public func ruleData() -> [UInt8] {
        precondition(fields.count <= Self.maximumFields, "audit rule with \(fields.count) fields")
        var bytes = [UInt8](repeating: 0, count: Self.fixedSize)
        bytes.storeHost(list.rawValue | (prepend ? UInt32(AUDIT_FILTER_PREPEND) : 0), at: 0)
        bytes.storeHost(action.rawValue, at: 4)
        bytes.storeHost(UInt32(fields.count), at: 8)
        for word in 0..<Int(AUDIT_BITMASK_SIZE) {
            var bits: UInt32 = allSyscalls ? .max : 0
            if !allSyscalls {
                for number in syscalls where Int(herdwatch_audit_word(number)) == word { bits |= herdwatch_audit_bit(number) }
            }
            bytes.storeHost(bits, at: Self.maskOffset + 4 * word)
        }
        var buffer: [UInt8] = []
        for (i, field) in fields.enumerated() {
            bytes.storeHost(field.kind.number, at: Self.fieldsOffset + 4 * i)
            bytes.storeHost(field.comparison.rawValue, at: Self.flagsOffset + 4 * i)
            switch field.value {
            case .number(let n):
                bytes.storeHost(n, at: Self.valuesOffset + 4 * i)
            case .string(let s):
                bytes.storeHost(UInt32(s.utf8.count), at: Self.valuesOffset + 4 * i)
                buffer.append(contentsOf: s.utf8)
            }
        }
        bytes.storeHost(UInt32(buffer.count), at: Self.buflenOffset)
        return bytes + buffer
    }

    /// Decodes a `struct audit_rule_data` as the kernel lists it.
    /// - Throws: ``NetlinkFrameError`` (`.payloadTooShort`) when the struct, its field count or
    ///   its string buffer do not fit the payload, or an action or list is unknown.
    public init(ruleData bytes: [UInt8]) throws(NetlinkFrameError) {
        func word(_ offset: Int) throws(NetlinkFrameError) -> UInt32 {
            guard let value = bytes.loadHost(UInt32.self, at: offset) else { throw NetlinkFrameError(.payloadTooShort, value: bytes.count) }
            return value
        }
        guard bytes.count >= Self.fixedSize else { throw NetlinkFrameError(.payloadTooShort, value: bytes.count) }
        let flags = try word(0)
        let fieldCount = Int(try word(8))
        let buflen = Int(try word(Self.buflenOffset))
        guard let list = FilterList(rawValue: flags & ~UInt32(AUDIT_FILTER_PREPEND)), let action = Action(rawValue: try word(4)),
            fieldCount <= Self.maximumFields, Self.fixedSize + buflen <= bytes.count
        else { throw NetlinkFrameError(.payloadTooShort, value: bytes.count) }
        self.init(action: action, list: list, prepend: flags & UInt32(AUDIT_FILTER_PREPEND) != 0)
        var masks: [UInt32] = []
        for index in 0..<Int(AUDIT_BITMASK_SIZE) { masks.append(try word(Self.maskOffset + 4 * index)) }
        // All syscalls: the kernel lists the class word cleared, so look at the others only
        // (as auditctl's listing does).
        if masks.dropLast().allSatisfy({ $0 == .max }) {
            allSyscalls = true
        } else {
            syscalls = (0..<UInt32(Self.maximumSyscall)).filter { masks[Int(herdwatch_audit_word($0))] & herdwatch_audit_bit($0) != 0 }
        }
        var cursor = Self.fixedSize
        for i in 0..<fieldCount {
            let kind = AuditField.Kind.known(try word(Self.fieldsOffset + 4 * i))
            let value = try word(Self.valuesOffset + 4 * i)
            let flag = try word(Self.flagsOffset + 4 * i)
            let comparison = AuditField.Comparison(rawValue: flag) ?? .equal
            if kind.isString {
                guard cursor + Int(value) <= Self.fixedSize + buflen else { throw NetlinkFrameError(.payloadTooShort, value: bytes.count) }
                let text = String(decoding: bytes[cursor..<(cursor + Int(value))], as: UTF8.self)
                cursor += Int(value)
                fields.append(AuditField(kind, comparison, .string(text)))
            } else {
                fields.append(AuditField(kind, comparison, .number(value)))
            }
        }
    }
}
