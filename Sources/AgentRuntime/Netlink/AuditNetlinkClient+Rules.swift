import Glibc

/// Applying rule files and deleting rules in bulk, on top of the single-rule requests.
extension AuditNetlinkClient {
    /// What ``apply(_:)`` did.
    public struct RuleChanges: Sendable, Hashable {
        public var added = 0
        /// Rules the kernel already held (EEXIST), left as they were.
        public var alreadyPresent = 0
        public var deleted = 0
    }

    /// Runs the commands of a rules file in order: `-D` deletes every rule, each rule is
    /// added. Sets backlog_wait_time 0 first, so the new rules can never block an audited
    /// process. A rule the kernel already holds is counted, not an error (loading is
    /// idempotent, unlike auditctl).
    /// - Throws: ``AuditNetlinkError`` for the first rule the kernel rejects otherwise, naming
    ///   the rule; the rules before it stay loaded.
    public func apply(_ commands: [AuditRuleCommand]) throws(AuditNetlinkError) -> RuleChanges {
        try set(AuditStatusChange(backlogWaitTime: 0))
        var changes = RuleChanges()
        for command in commands {
            switch command {
            case .deleteAll:
                changes.deleted += try deleteRules { _ in true }
            case .add(let rule):
                do {
                    try addRule(rule)
                    changes.added += 1
                } catch where error.code == .rejected && error.cause?.rawValue == EEXIST {
                    changes.alreadyPresent += 1
                } catch {
                    var error = error
                    error.operation += " of '\(rule.auditctlText())'"
                    throw error
                }
            }
        }
        return changes
    }

    /// Deletes every rule the kernel lists for which `matching` is true.
    /// - Returns: how many were deleted.
    public func deleteRules(where matching: (AuditRule) -> Bool) throws(AuditNetlinkError) -> Int {
        var deleted = 0
        for rule in try listRules() where matching(rule) {
            try deleteRule(rule)
            deleted += 1
        }
        return deleted
    }
}
