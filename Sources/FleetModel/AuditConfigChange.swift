/// What a kernel `CONFIG_CHANGE` record (type 1305) says changed in the audit configuration.
///
/// The kernel writes two shapes (`kernel/auditfilter.c` `audit_log_rule_change`,
/// `kernel/audit.c` `audit_log_config_change`):
/// ```
/// auid=1002 ses=73 op=remove_rule key="exec" list=4 res=1
/// op=set audit_enabled=0 old=1 auid=1002 ses=73 res=1
/// ```
/// (older kernels leave out `op=set`). The rule's key stays in ``AuditEvent/keys``.
/// Values are kept as written, in ``AuditText``'s lossless form: they come from the host.
public struct AuditConfigChange: Sendable, Hashable {
    /// `op=`: `add_rule`, `remove_rule`, `set`, …
    public var op: String?
    /// Name of the `audit_*=` field of a setting change: `audit_enabled`, `audit_pid`,
    /// `audit_failure`, `audit_rate_limit`, `audit_backlog_limit`, `audit_backlog_wait_time`, …
    public var setting: String?
    /// The setting's new value, as written (`0`, `1`, a pid, a limit).
    public var value: String?
    /// `old=`: the setting's value before.
    public var old: String?
    /// `list=`: the rule list of a rule change (`AUDIT_FILTER_EXIT` is 4, `<linux/audit.h>`).
    public var list: Int?
    /// True when the agent made this change itself (a rules reload), so it is not tampering.
    /// Set by the agent for live capture, never read from a record.
    public var byAgent: Bool

    public init(
        op: String? = nil, setting: String? = nil, value: String? = nil, old: String? = nil, list: Int? = nil,
        byAgent: Bool = false
    ) {
        self.op = op
        self.setting = setting
        self.value = value
        self.old = old
        self.list = list
        self.byAgent = byAgent
    }
}
