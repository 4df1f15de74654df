import Findings
import LibPQ

/// Triage actions on findings, each recorded in the finding's history with its actor.
///
/// Accepting a baseline-kind finding adds its term to the role's accepted terms (scope role:
/// every retraining keeps it and detection stops flagging it) or as an exception for each host
/// the finding holds (scope host; shown in the baseline export).
public struct FindingTriage {
    let session: Session

    public init(session: Session) {
        self.session = session
    }

    public enum Scope: String, Sendable, CaseIterable {
        case role, host
    }

    public struct Request: Sendable {
        public var action: TriageAction
        public var findingID: Int64
        public var note: String
        public var actor: String
        public var scope: Scope = .role
        /// Snooze end; required for snooze.
        public var until: PostgresTimestamp?

        public init(action: TriageAction, findingID: Int64, note: String, actor: String) {
            self.action = action
            self.findingID = findingID
            self.note = note
            self.actor = actor
        }
    }

    public struct TriageError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Applies the action; returns the status before it.
    @discardableResult
    public func apply(_ request: Request) throws -> FindingStatus {
        try session.transaction {
            guard let row = try session.query(
                "SELECT role, kind, subject, status FROM herdwatch.findings WHERE id = $1 FOR UPDATE", [.int64(request.findingID)]
            ).first else { throw TriageError(description: "no finding \(request.findingID)") }
            let role: String = try row.decode(at: 0)
            let kind = FindingKind(rawValue: try row.decode(String.self, at: 1))
            let subject: String = try row.decode(at: 2)
            let before = FindingStatus(rawValue: try row.decode(String.self, at: 3)) ?? .open
            if request.action == .accept {
                guard let kind, kind.isBaselineKind, !role.isEmpty else {
                    throw TriageError(description:
                        "only exec, lineage, connect, listen and login findings of a role can be accepted into a baseline; use resolve or false-positive")
                }
                let hostIDs: [Int64?] = request.scope == .role
                    ? [nil]
                    : try session.query("SELECT host_id FROM herdwatch.finding_hosts WHERE finding_id = $1", [.int64(request.findingID)])
                        .rows.map { try $0.decode(Int64.self, at: 0) }
                for host in hostIDs {
                    try session.query(
                        """
                        INSERT INTO herdwatch.accepted_terms (role, kind, term, host_id, note, accepted_by)
                        VALUES ($1, $2, $3, $4, $5, $6)
                        ON CONFLICT ON CONSTRAINT accepted_terms_key DO NOTHING
                        """,
                        [.text(role), .text(kind.rawValue), .text(subject), host.map(SQLParameter.int64) ?? .null,
                         .text(request.note), .text(request.actor)])
                }
            }
            if request.action == .snooze, request.until == nil {
                throw TriageError(description: "snooze needs --until (a time or a duration such as 8h)")
            }
            try session.query(
                "UPDATE herdwatch.findings SET status = $2, snoozed_until = $3, updated_at = now() WHERE id = $1",
                [.int64(request.findingID), .text(request.action.status.rawValue),
                 request.action == .snooze ? .timestamp(request.until!) : .null])
            var details = #"{"scope":"\#(request.scope.rawValue)""#
            if let until = request.until, request.action == .snooze { details += #","until":"\#(until)""# }
            details += "}"
            try FindingStore(session: session).history(
                request.findingID, actor: request.actor, action: request.action.historyAction, from: before.rawValue,
                to: request.action.status.rawValue, note: request.note, details: details)
            return before
        }
    }
}
