import AgentRuntime
import Glibc
import Testing

/// A scoped, restoring session with the real kernel audit subsystem for integration tests.
///
/// Under the machine-wide ``AuditLock`` it saves the audit state, deletes stale rules of
/// earlier runs (key prefix ``keyPrefix``), sets backlog_wait_time 0, starts a
/// ``NetlinkAuditSource`` (unicast when no daemon is registered, multicast otherwise),
/// enables audit and hands the test a key unique to the run. Afterwards, also when the test
/// throws, it deletes the run's rules, restores the enabled flag and backlog_wait_time, and hands
/// the daemon pid back.
/// It never touches the failure mode.
struct KernelAuditSession {
    static let keyPrefix = "herdwatch-test-"

    /// True when this process is root and the audit netlink socket answers AUDIT_GET.
    static let available: Bool = {
        guard getuid() == 0, let client = try? AuditNetlinkClient() else { return false }
        return (try? client.status()) != nil
    }()

    let client: AuditNetlinkClient
    let source: NetlinkAuditSource
    let key: String
    let saved: AuditStatus

    static func run(_ body: (KernelAuditSession) async throws -> Void) async throws {
        let lock = try AuditLock()
        defer { withExtendedLifetime(lock) {} }
        let client = try AuditNetlinkClient()
        let saved = try client.status()
        for stale in try client.listRules() where stale.key?.hasPrefix(keyPrefix) == true {
            try client.deleteRule(stale)
        }
        try client.set(AuditStatusChange(backlogWaitTime: 0))
        let source = try NetlinkAuditSource.start(mode: saved.pid == 0 ? .unicast : .multicast)
        let key = "\(keyPrefix)\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let session = KernelAuditSession(client: client, source: source, key: key, saved: saved)
        defer { session.restore() }
        if saved.enabled == 0 { try client.set(AuditStatusChange(enabled: 1)) }
        try await body(session)
    }

    /// Adds rules written in auditctl syntax, each tagged with the run's key.
    func add(_ lines: [String]) throws {
        let parser = AuditRuleParser()
        for line in lines {
            guard case .add(let rule) = try parser.parse(line: "\(line) -k \(key)") else { continue }
            try client.addRule(rule)
        }
    }

    /// The run's rules as the kernel lists them, in auditctl text.
    func listedRules() throws -> [String] {
        try client.listRules().filter { $0.key == key }.map { $0.auditctlText() }
    }

    private func restore() {
        var problems: [String] = []
        do {
            for rule in try client.listRules() where rule.key == key { try client.deleteRule(rule) }
        } catch { problems.append("delete rules: \(error)") }
        if saved.enabled == 0 {
            do { try client.set(AuditStatusChange(enabled: 0)) } catch { problems.append("restore enabled: \(error)") }
        }
        source.stop()
        // Rules are gone, so the wait time can go back to what it was: nothing of ours is audited.
        if saved.backlogWaitTime != 0 {
            do { try client.set(AuditStatusChange(backlogWaitTime: saved.backlogWaitTime)) } catch {
                problems.append("restore backlog_wait_time: \(error)")
            }
        }
        if let after = try? client.status(), after.pid != saved.pid || after.enabled != saved.enabled {
            problems.append("audit state not restored: pid \(after.pid) (was \(saved.pid)), enabled \(after.enabled) (was \(saved.enabled))")
        }
        for problem in problems { Issue.record(Comment(rawValue: problem)) }
    }
}
