/// Where a finding stands in triage.
///
/// ```
/// open ─ack→ acknowledged ─resolve→ resolved ─(seen again)→ open (reopened)
///   │            └─false-positive / accept / snooze
///   └─ snooze → snoozed ─(until passes)→ open
/// ```
public enum FindingStatus: String, Sendable, Hashable, CaseIterable {
    case open, acknowledged, resolved
    case falsePositive = "false_positive"
    case accepted, snoozed

    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// The status after the finding is seen again (a new event or host joins it), and whether
    /// that reopens it. Resolved findings reopen; so do accepted ones, since an acceptance only
    /// covered what it named (a host exception) and the term came back anyway. A snooze that
    /// has run out ends. False positives stay so: the analyst said the term is harmless.
    public func afterRecurrence(snoozeOver: Bool) -> (status: FindingStatus, reopened: Bool) {
        switch self {
        case .resolved, .accepted: return (.open, true)
        case .snoozed where snoozeOver: return (.open, false)
        default: return (self, false)
        }
    }

    /// Whether a change of the finding should raise an alert (new, escalated, reopened).
    /// Snoozed and false-positive findings stay quiet; acknowledged ones still escalate.
    public var alerts: Bool {
        switch self {
        case .open, .acknowledged: return true
        default: return false
        }
    }
}

/// A triage action from the CLI or the web UI.
public enum TriageAction: String, Sendable, Hashable, CaseIterable {
    case ack
    case resolve
    case falsePositive = "false-positive"
    case accept
    case snooze

    /// The status the finding takes.
    public var status: FindingStatus {
        switch self {
        case .ack: return .acknowledged
        case .resolve: return .resolved
        case .falsePositive: return .falsePositive
        case .accept: return .accepted
        case .snooze: return .snoozed
        }
    }

    /// The history entry's action word.
    public var historyAction: String { status.rawValue }
}
