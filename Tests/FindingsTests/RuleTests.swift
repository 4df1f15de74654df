import Findings
import Testing

@Suite struct AuditTamperRuleTests {
    @Test func removingRulesDisablingAuditAndUnregisteringTheDaemonAreTampering() {
        #expect(AuditTamperRule.subject(op: "remove_rule", setting: nil, value: nil, byAgent: false) == "remove_rule")
        #expect(AuditTamperRule.subject(op: "del_rule", setting: nil, value: nil, byAgent: false) == "remove_rule")
        #expect(AuditTamperRule.subject(op: "set", setting: "audit_enabled", value: "0", byAgent: false) == "audit_enabled=0")
        #expect(AuditTamperRule.subject(op: nil, setting: "audit_enabled", value: "0", byAgent: false) == "audit_enabled=0")
        #expect(AuditTamperRule.subject(op: "set", setting: "audit_pid", value: "0", byAgent: false) == "audit_pid=0")
    }

    @Test func addingRulesTuningAndTheAgentsOwnReloadAreNot() {
        #expect(AuditTamperRule.subject(op: "add_rule", setting: nil, value: nil, byAgent: false) == nil)
        #expect(AuditTamperRule.subject(op: "set", setting: "audit_backlog_wait_time", value: "0", byAgent: false) == nil)
        #expect(AuditTamperRule.subject(op: "set", setting: "audit_enabled", value: "1", byAgent: false) == nil)
        #expect(AuditTamperRule.subject(op: "remove_rule", setting: nil, value: nil, byAgent: true) == nil)
        #expect(AuditTamperRule.subject(op: "set", setting: "audit_pid", value: "4242", byAgent: false) == nil)
    }
}

@Suite struct AuthenticationBurstTests {
    let second: Int64 = 1_000_000

    @Test func aBurstNeedsTheThresholdInsideOneWindow() {
        let burst = AuthenticationBurst(threshold: 3, windowMicroseconds: 60 * second)
        #expect(burst.containsBurst([0, 10 * second, 59 * second]))
        #expect(!burst.containsBurst([0, 40 * second, 80 * second, 120 * second]))
        #expect(burst.containsBurst([0, 100 * second, 130 * second, 150 * second]))
        #expect(!burst.containsBurst([0, 1]))
    }

    @Test func defaultsAreTenInFiveMinutes() {
        let burst = AuthenticationBurst()
        #expect(burst.threshold == 10 && burst.windowMicroseconds == 300 * second)
        #expect(burst.containsBurst((0..<10).map { Int64($0) * 29 * second }))
        #expect(!burst.containsBurst((0..<10).map { Int64($0) * 34 * second }))
    }
}

@Suite struct HeartbeatJudgementTests {
    func report(lost: Int64 = 5, gaps: Int64 = 0, dropped: Int64 = 0, digest: String = "a", reloaded: Int64 = 100,
                started: Int64 = 1, boot: String = "b1", enabled: Int = 1, stopping: Bool = false) -> HeartbeatReport {
        HeartbeatReport(bootID: boot, startedAt: started, auditEnabled: enabled, rulesDigest: digest, rulesReloadedAt: reloaded,
                        kernelLost: lost, serialGaps: gaps, spoolDroppedEvents: dropped, stopping: stopping)
    }

    @Test func growingCountersAreLossWithTheAmountLost() {
        let found = HeartbeatJudgement.conditions(previous: report(), current: report(lost: 9, gaps: 2, dropped: 30))
        #expect(Set(found.map(\.subject)) == ["kernel_lost", "serial_gaps", "spool_dropped"])
        #expect(found.first { $0.subject == "kernel_lost" }?.amount == 4)
        #expect(found.allSatisfy { $0.kind == .eventLoss })
    }

    @Test func aSteadyAgentRaisesNothing() {
        #expect(HeartbeatJudgement.conditions(previous: report(), current: report()).isEmpty)
        #expect(HeartbeatJudgement.conditions(previous: nil, current: report(lost: 44)).isEmpty)
    }

    @Test func theKernelCounterIsComparedWithinOneBootAndAgentCountersFromZeroForANewAgent() {
        #expect(HeartbeatJudgement.conditions(previous: report(lost: 50), current: report(lost: 3, boot: "b2")).isEmpty)
        let restarted = HeartbeatJudgement.conditions(previous: report(gaps: 10), current: report(gaps: 2, started: 2))
        #expect(restarted.map(\.subject) == ["serial_gaps"] && restarted.first?.amount == 2)
    }

    @Test func rulesChangedWithoutAReloadStoppingAndDisablingAreTampering() {
        #expect(HeartbeatJudgement.conditions(previous: report(), current: report(digest: "b")).map(\.subject) == ["rules_digest_changed"])
        #expect(HeartbeatJudgement.conditions(previous: report(), current: report(digest: "b", reloaded: 200)).isEmpty)
        #expect(HeartbeatJudgement.conditions(previous: report(), current: report(stopping: true)).map(\.subject) == ["agent_stopped"])
        #expect(HeartbeatJudgement.conditions(previous: report(), current: report(enabled: 0)).map(\.subject) == ["audit_enabled=0"])
        #expect(HeartbeatJudgement.conditions(previous: report(enabled: 0), current: report(enabled: 0)).isEmpty)
    }
}
