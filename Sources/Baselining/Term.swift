/// What a term describes (DESIGN.md, "Terms").
public enum TermKind: String, Sendable, Hashable, CaseIterable, Comparable {
    /// An executable path, canonicalized.
    case exec
    /// `parent -> child` executables.
    case lineage
    /// `address:port/proto exe`, or a learned prefix in place of the address.
    case connect
    /// `port/proto exe`.
    case listen
    /// `user@network` (network: the source's /24 or /64, or `local`).
    case login

    public static func < (lhs: TermKind, rhs: TermKind) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// One normalized fact about a role. The value is host data: store and show it, never run it.
public struct Term: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var kind: TermKind
    public var value: String

    public init(_ kind: TermKind, _ value: String) {
        self.kind = kind
        self.value = value
    }

    /// Kind first, then value by its UTF-8 bytes, so the order is the same on every platform.
    public static func < (lhs: Term, rhs: Term) -> Bool {
        if lhs.kind != rhs.kind { return lhs.kind < rhs.kind }
        return lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8)
    }

    public var description: String { "\(kind.rawValue) \(value)" }
}
