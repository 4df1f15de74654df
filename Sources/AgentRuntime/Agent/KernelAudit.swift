import Glibc

/// The agent's dealings with the kernel audit state besides reading records: loading rules
/// and limits (netlink-unicast), and the read-only status and rules digest the heartbeat reports.
/// Every call blocks on netlink (at most a few seconds): run them off the cooperative pool.
public enum KernelAudit {
    /// What the heartbeat reports about the kernel; nil fields were not readable (no
    /// CAP_AUDIT_CONTROL, no audit support).
    public struct Report: Sendable, Hashable {
        public var enabled: UInt32?
        public var pid: UInt32?
        public var lost: UInt32?
        public var backlog: UInt32?
        public var rulesDigest: String?
    }

    /// Reads the status and the rules, best effort.
    public static func report() -> Report {
        guard let client = try? AuditNetlinkClient() else { return Report() }
        var report = Report()
        if let status = try? client.status() {
            report.enabled = status.enabled
            report.pid = status.pid
            report.lost = status.lost
            report.backlog = status.backlog
        }
        if let rules = try? client.listRules() {
            report.rulesDigest = ContentDigest.sha256(Array(rules.map { $0.auditctlText() + "\n" }.joined().utf8))
        }
        return report
    }

    /// Sets backlog_wait_time 0, the backlog and rate limits, and loads `rulesFile` (when not
    /// empty). The caller holds the ``AuditLock``.
    /// - Returns: what the rules did, or nil when no rules file is configured.
    /// - Throws: ``AuditNetlinkError``, ``Errno`` or ``AuditRuleSyntaxError``.
    public static func configure(rulesFile: String, backlogLimit: UInt32, rateLimit: UInt32) throws -> AuditNetlinkClient.RuleChanges? {
        // Parse first: a bad file changes nothing in the kernel.
        let commands = rulesFile.isEmpty ? nil : try AuditRuleFile.load(path: rulesFile)
        let client = try AuditNetlinkClient()
        try client.set(AuditStatusChange(
            rateLimit: rateLimit, backlogLimit: backlogLimit == 0 ? nil : backlogLimit, backlogWaitTime: 0))
        guard let commands else { return nil }
        return try client.apply(commands)
    }
}
