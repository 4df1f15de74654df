import LibPQ

/// One outbox row waiting for a sink: why it was queued and the finding as it stands now.
///
/// Everything but `outboxID`, `reason` and `queuedAt` is read when the alert is sent, so an
/// alert that waited (a maintenance window, a database outage) tells the current state.
public struct PendingAlert: Sendable, Hashable {
    public var outboxID: Int64
    /// `new`, `escalation` or `reopened`.
    public var reason: String
    public var queuedAt: PostgresTimestamp
    public var findingID: Int64
    public var kind: String
    /// The role; "" for hosts without one.
    public var role: String
    public var subject: String
    public var status: String
    public var severity: Int
    /// Host names, sorted.
    public var hosts: [String]
    public var hostCount: Int
    public var roleHosts: Int
    public var eventCount: Int64
    public var firstSeen: PostgresTimestamp
    public var lastSeen: PostgresTimestamp
    /// The baseline version (its id) the finding was judged against, if any.
    public var baselineVersion: Int64?
    public var hold: Hold
    /// The newest evidence event, reduced to one line's worth of fields.
    public var evidence: EvidenceLine?

    /// Whether a maintenance window keeps the alert back.
    public enum Hold: Sendable, Hashable {
        /// Send it.
        case none
        /// Every host of the finding is under an active window: wait.
        case held
        /// It was queued during a window that has ended, and the finding was closed meanwhile
        /// (resolved, false positive, accepted, snoozed): record it dropped.
        case endedWithFindingClosed
    }

    /// Who did what where, from one evidence event. Host data: attacker-controlled text.
    /// Argv was redacted by the agent before it left the host.
    public struct EvidenceLine: Sendable, Hashable {
        public var host: String
        /// The login (auid) name, else the uid name.
        public var user: String?
        public var uid: String?
        public var exe: String?
        public var argv: [String]
        /// `address:port` for socket events.
        public var destination: String?

        public init(host: String, user: String?, uid: String?, exe: String?, argv: [String], destination: String?) {
            self.host = host
            self.user = user
            self.uid = uid
            self.exe = exe
            self.argv = argv
            self.destination = destination
        }
    }

    public init(
        outboxID: Int64, reason: String, queuedAt: PostgresTimestamp, findingID: Int64, kind: String, role: String,
        subject: String, status: String, severity: Int, hosts: [String], hostCount: Int, roleHosts: Int, eventCount: Int64,
        firstSeen: PostgresTimestamp, lastSeen: PostgresTimestamp, baselineVersion: Int64?, hold: Hold = .none,
        evidence: EvidenceLine? = nil
    ) {
        self.outboxID = outboxID
        self.reason = reason
        self.queuedAt = queuedAt
        self.findingID = findingID
        self.kind = kind
        self.role = role
        self.subject = subject
        self.status = status
        self.severity = severity
        self.hosts = hosts
        self.hostCount = hostCount
        self.roleHosts = roleHosts
        self.eventCount = eventCount
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.baselineVersion = baselineVersion
        self.hold = hold
        self.evidence = evidence
    }
}
