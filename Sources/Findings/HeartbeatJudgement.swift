/// What an agent's heartbeats say about its host, judged against the previous heartbeat.
///
/// Counters in a report are cumulative (since the agent started, or since boot for the kernel's
/// lost counter), so comparing the newest report with the last one judged catches every loss
/// even when heartbeats in between were skipped.
public struct HeartbeatReport: Sendable, Hashable {
    public var bootID: String?
    public var startedAt: Int64?
    public var auditEnabled: Int?
    public var rulesDigest: String?
    public var rulesReloadedAt: Int64?
    public var kernelLost: Int64?
    public var serialGaps: Int64?
    public var spoolDroppedEvents: Int64?
    public var stopping: Bool

    public init(
        bootID: String? = nil, startedAt: Int64? = nil, auditEnabled: Int? = nil, rulesDigest: String? = nil,
        rulesReloadedAt: Int64? = nil, kernelLost: Int64? = nil, serialGaps: Int64? = nil, spoolDroppedEvents: Int64? = nil,
        stopping: Bool = false
    ) {
        self.bootID = bootID
        self.startedAt = startedAt
        self.auditEnabled = auditEnabled
        self.rulesDigest = rulesDigest
        self.rulesReloadedAt = rulesReloadedAt
        self.kernelLost = kernelLost
        self.serialGaps = serialGaps
        self.spoolDroppedEvents = spoolDroppedEvents
        self.stopping = stopping
    }
}

public enum HeartbeatJudgement {
    /// One condition a heartbeat shows.
    public struct Condition: Sendable, Hashable {
        public var kind: FindingKind
        public var subject: String
        /// How many events were lost, for event_loss; 1 otherwise.
        public var amount: Int64
    }

    public static func conditions(previous: HeartbeatReport?, current: HeartbeatReport) -> [Condition] {
        var out: [Condition] = []
        if current.stopping { out.append(Condition(kind: .auditTamper, subject: "agent_stopped", amount: 1)) }
        if current.auditEnabled == 0, previous?.auditEnabled != 0 {
            out.append(Condition(kind: .auditTamper, subject: "audit_enabled=0", amount: 1))
        }
        if let previous, let was = previous.rulesDigest, let now = current.rulesDigest, was != now,
           previous.rulesReloadedAt == current.rulesReloadedAt {
            out.append(Condition(kind: .auditTamper, subject: "rules_digest_changed", amount: 1))
        }
        // The kernel's counter lives as long as the boot: compare within one boot only. The
        // agent's counters start at zero with each agent: a new agent is compared with zero.
        if let previous, previous.bootID == current.bootID, let delta = increase(previous.kernelLost, current.kernelLost) {
            out.append(Condition(kind: .eventLoss, subject: "kernel_lost", amount: delta))
        }
        let sameAgent = previous.map { $0.startedAt == current.startedAt && $0.bootID == current.bootID } ?? false
        let agentBefore = sameAgent ? previous : nil
        if let delta = increase(agentBefore?.serialGaps ?? 0, current.serialGaps) {
            out.append(Condition(kind: .eventLoss, subject: "serial_gaps", amount: delta))
        }
        if let delta = increase(agentBefore?.spoolDroppedEvents ?? 0, current.spoolDroppedEvents) {
            out.append(Condition(kind: .eventLoss, subject: "spool_dropped", amount: delta))
        }
        return out
    }

    static func increase(_ old: Int64?, _ new: Int64?) -> Int64? {
        guard let old, let new, new > old else { return nil }
        return new - old
    }
}
