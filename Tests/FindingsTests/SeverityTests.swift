import Findings
import Testing

@Suite struct SeverityTests {
    @Test func rarityRaisesTheScoreAndAFleetWideChangeStaysLow() {
        let lone = Severity(Severity.Context(kind: .exec, hosts: 1, roleHosts: 8))
        let fleet = Severity(Severity.Context(kind: .exec, hosts: 8, roleHosts: 8))
        #expect(lone.score == 35 + 18)
        #expect(fleet.score == 35)
        #expect(lone > fleet)
    }

    @Test func contextBonusesAddUpAndClampAt100() {
        var context = Severity.Context(kind: .lineage, hosts: 1, roleHosts: 8)
        context.root = true
        context.parentIsNetworkDaemon = true
        #expect(Severity(context).score == 40 + 18 + 10 + 15)
        #expect(Severity(context).label == .high)
        context.writableLocation = true
        context.publicDestination = true
        #expect(Severity(context).score == 100)
        #expect(Severity(context).label == .critical)
    }

    @Test func labelsFollowTheDocumentedBands() {
        #expect(Severity(score: 39).label == .low)
        #expect(Severity(score: 40).label == .medium)
        #expect(Severity(score: 69).label == .medium)
        #expect(Severity(score: 70).label == .high)
        #expect(Severity(score: 90).label == .critical)
        #expect(Severity(score: -5).score == 0)
    }

    @Test func healthKindsIgnorePeerShare() {
        #expect(Severity(Severity.Context(kind: .auditTamper, hosts: 1, roleHosts: 8)).score == 80)
        #expect(Severity(Severity.Context(kind: .hostSilent, hosts: 1, roleHosts: 0)).score == 50)
    }

    @Test func worldWritableLocations() {
        #expect(Severity.isWorldWritableLocation("/tmp/.x/kworkerd"))
        #expect(Severity.isWorldWritableLocation("/dev/shm/a"))
        #expect(!Severity.isWorldWritableLocation("/usr/bin/tmp"))
    }
}

@Suite struct FindingStatusTests {
    @Test func recurrenceReopensResolvedAndAcceptedOnly() {
        #expect(FindingStatus.resolved.afterRecurrence(snoozeOver: false) == (.open, true))
        #expect(FindingStatus.accepted.afterRecurrence(snoozeOver: false) == (.open, true))
        #expect(FindingStatus.falsePositive.afterRecurrence(snoozeOver: true) == (.falsePositive, false))
        #expect(FindingStatus.acknowledged.afterRecurrence(snoozeOver: true) == (.acknowledged, false))
        #expect(FindingStatus.snoozed.afterRecurrence(snoozeOver: false) == (.snoozed, false))
        #expect(FindingStatus.snoozed.afterRecurrence(snoozeOver: true) == (.open, false))
    }

    @Test func onlyOpenAndAcknowledgedFindingsAlert() {
        #expect(FindingStatus.allCases.filter(\.alerts) == [.open, .acknowledged])
    }

    @Test func triageActionsMapToStatuses() {
        #expect(TriageAction(rawValue: "false-positive")?.status == .falsePositive)
        #expect(TriageAction.ack.status == .acknowledged)
        #expect(FindingKind.allCases.filter(\.isBaselineKind) == [.exec, .lineage, .connect, .listen, .login])
    }
}

@Suite struct SeverityContextTests {
    @Test func absorbingKeepsEveryBonusAnySightingEarned() {
        var first = Severity.Context(kind: .connect, hosts: 1, roleHosts: 8)
        first.root = true
        var second = Severity.Context(kind: .connect, hosts: 1, roleHosts: 8)
        second.publicDestination = true
        first.absorb(second)
        #expect(first.root && first.publicDestination && !first.writableLocation && !first.parentIsNetworkDaemon)
        #expect(Severity(first).score == 35 + 18 + 10 + 10)
    }
}
