/// The name of a role: a set of hosts that do the same job and so should behave alike.
///
/// Role names are `[a-z0-9_-]{1,63}` so they are safe in file names (`baselines/<role>.yaml`),
/// metric labels and URLs without escaping.
public struct RoleName: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// - Throws: `FleetModelError` naming the rule when `rawValue` is not a valid role name.
    public init(_ rawValue: String) throws(FleetModelError) {
        guard Self.isValid(rawValue) else {
            throw FleetModelError.invalidRoleName(rawValue)
        }
        self.rawValue = rawValue
    }

    public static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...63).contains(bytes.count) else { return false }
        return bytes.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }

    public var description: String { rawValue }
    public static func < (lhs: RoleName, rhs: RoleName) -> Bool { lhs.rawValue < rhs.rawValue }
}
