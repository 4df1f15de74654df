@testable import AgentRuntime
import FleetModel
import Glibc
import Testing

/// The mark on the agent's own audit configuration changes (``Agent/markOwnConfigChange(_:agentPID:)``).
@Suite struct OwnConfigChangeTests {
    func event(pid: Int32?, config: AuditConfigChange?) -> AuditEvent {
        AuditEvent(
            timestampMilliseconds: 0, serial: 1, kind: config == nil ? .exec : .auditConfig,
            process: AuditProcess(pid: pid), config: config)
    }

    @Test func onlyConfigChangesByTheAgentsPIDAreMarked() {
        let agent: Int32 = 4242
        var own = event(pid: agent, config: AuditConfigChange(op: "remove_rule", list: 4))
        Agent.markOwnConfigChange(&own, agentPID: agent)
        #expect(own.config?.byAgent == true)

        var other = event(pid: 777, config: AuditConfigChange(op: "set", setting: "audit_enabled", value: "0", old: "1"))
        Agent.markOwnConfigChange(&other, agentPID: agent)
        #expect(other.config?.byAgent == false)

        // No SYSCALL record, so no pid: never taken for the agent's.
        var unknown = event(pid: nil, config: AuditConfigChange(op: "add_rule", list: 4))
        Agent.markOwnConfigChange(&unknown, agentPID: agent)
        #expect(unknown.config?.byAgent == false)

        // The agent's other events are left alone.
        var exec = event(pid: agent, config: nil)
        Agent.markOwnConfigChange(&exec, agentPID: agent)
        #expect(exec == event(pid: agent, config: nil))
    }

    @Test func theTransformUsesThisProcessByDefault() {
        var own = event(pid: getpid(), config: AuditConfigChange(op: "add_rule", list: 4))
        Agent.ownConfigChangeTransform()(&own)
        #expect(own.config?.byAgent == true)
    }

    @Test func onlyNetlinkSourcesGetTheMark() throws {
        var template = Array("/tmp/herdwatch-own-config-XXXXXX".utf8CString)
        let directory = String(cString: try #require(mkdtemp(&template)))
        defer {
            unlink("\(directory)/\(RedactionKeyFile.fileName)")
            rmdir(directory)
        }
        let netlink = try Agent.liveTransforms(stateDirectory: directory, source: .netlinkUnicast)
        let logFile = try Agent.liveTransforms(stateDirectory: directory, source: .logFile)
        #expect(netlink.count == logFile.count + 1)
        var viaLog = event(pid: getpid(), config: AuditConfigChange(op: "add_rule", list: 4))
        for transform in logFile { transform(&viaLog) }
        #expect(viaLog.config?.byAgent == false, "a log file holds other processes' pids")
    }
}
