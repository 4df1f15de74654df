/// Invalid input to a FleetModel value. The message says which rule was broken; the offending
/// text is attacker-controlled when it came from a host, so callers show it escaped.
public enum FleetModelError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidRoleName(String)
    case invalidHostPattern(String, reason: String)

    public var description: String {
        switch self {
        case .invalidRoleName(let name):
            return "invalid role name \(String(reflecting: name)): use 1 to 63 of a-z, 0-9, '_' and '-'"
        case .invalidHostPattern(let pattern, let reason):
            return "invalid host pattern \(String(reflecting: pattern)): \(reason)"
        }
    }
}
