/// Invalid input to a FleetModel value. The message says which rule was broken; the offending
/// text is attacker-controlled when it came from a host, so callers show it escaped.
public enum FleetModelError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidRoleName(String)
    case invalidHostPattern(String, reason: String)
    case invalidTimeExpression(String)
    case invalidHostName(String)

    public var description: String {
        switch self {
        case .invalidRoleName(let name):
            return "invalid role name \(String(reflecting: name)): use 1 to 63 of a-z, 0-9, '_' and '-'"
        case .invalidHostPattern(let pattern, let reason):
            return "invalid host pattern \(String(reflecting: pattern)): \(reason)"
        case .invalidHostName(let name):
            return "invalid host name \(String(reflecting: name)): use 1 to 253 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit"
        case .invalidTimeExpression(let text):
            return "invalid time \(String(reflecting: text)): use RFC 3339 (2026-01-31T12:00:00Z), 'now', or a duration back from now such as 90m, 36h, 7d, 2w"
        }
    }
}
