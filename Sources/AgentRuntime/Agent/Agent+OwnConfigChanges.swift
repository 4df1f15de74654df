import FleetModel
import Glibc

extension Agent {
    /// Marks the audit configuration changes the agent made itself (`config.by_agent`), so the
    /// service does not call its own rules reload tampering.
    ///
    /// A reload (at start and on SIGHUP, ops/audit.rules begins with `-D`) makes the kernel write
    /// `CONFIG_CHANGE` records (`op=remove_rule`, `op=add_rule`, `op=set audit_backlog_wait_time=0`)
    /// in the context of the agent's own netlink `sendto`, so their SYSCALL record carries the
    /// agent's pid. For live capture only: a log file or standard input holds other processes'
    /// pids (auditd's, another host's), never this agent's.
    /// - Parameter agentPID: the pid the kernel logs for the agent; this process by default.
    public static func ownConfigChangeTransform(agentPID: Int32 = getpid()) -> EventTransform {
        { event in markOwnConfigChange(&event, agentPID: agentPID) }
    }

    /// The decision: a configuration change whose process is the agent is the agent's own.
    /// An event without a pid (no SYSCALL record) is never the agent's.
    static func markOwnConfigChange(_ event: inout AuditEvent, agentPID: Int32) {
        guard event.config != nil, let pid = event.process.pid, pid == agentPID else { return }
        event.config!.byAgent = true
    }
}
