/// What a finding is about (DESIGN.md, "Findings").
///
/// The first five are judged against a role's baseline and can be accepted into it; the others
/// are judged by rules (file content, agent health, authentication bursts).
public enum FindingKind: String, Sendable, Hashable, CaseIterable, Comparable {
    case exec, lineage, connect, listen, login
    case fileChange = "file_change"
    case fileDrift = "file_drift"
    case hostSilent = "host_silent"
    case auditTamper = "audit_tamper"
    case eventLoss = "event_loss"
    case authFailures = "auth_failures"

    /// Kinds whose subject is a baseline term: accepting one adds the term to the baseline.
    public var isBaselineKind: Bool {
        switch self {
        case .exec, .lineage, .connect, .listen, .login: return true
        default: return false
        }
    }

    public static func < (lhs: FindingKind, rhs: FindingKind) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The kinds as a user types them, for help and error messages.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
