/// Which audit configuration changes are tampering, and under which subject.
///
/// Removing rules, disabling audit and unregistering the audit daemon blind the host. Adding
/// rules and tuning limits do not. A change the agent marked as its own rule reload (it made the
/// change, by its own pid, while loading its rules file) is not tampering either.
public enum AuditTamperRule {
    /// The finding subject for a CONFIG_CHANGE, or nil when it is not tampering.
    public static func subject(op: String?, setting: String?, value: String?, byAgent: Bool) -> String? {
        if byAgent { return nil }
        if op == "remove_rule" || op == "del_rule" { return "remove_rule" }
        switch (setting, value) {
        case ("audit_enabled", "0"): return "audit_enabled=0"
        case ("audit_pid", "0"): return "audit_pid=0"
        default: return nil
        }
    }
}
