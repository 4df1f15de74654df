import Findings
import LibPQ
import PostgresFixture
import ServerRuntime
import Storage
import Testing

@Suite("Triage decides what the detector raises next")
struct TriageTests {
    func triage(_ action: TriageAction, _ id: Int64, scope: FindingTriage.Scope = .role, _ session: Session) throws {
        var request = FindingTriage.Request(action: action, findingID: id, note: "test", actor: "tester")
        request.scope = scope
        try FindingTriage(session: session).apply(request)
    }

    @Test func acceptingForTheRoleStopsFindingsForItsTerm() async throws {
        try await MigratedDatabase.with { database in
            try await database.connect().withSession { session in
                try TrainedRole.setUp(session)
                try TrainedRole.run("/usr/bin/htop", on: "web-01", serial: 1, session)
                _ = try TrainedRole.detector.runOnce(session)
                let finding = try #require(try FindingRow.all(session).first)
                try triage(.accept, finding.id, session)

                try TrainedRole.run("/usr/bin/htop", on: "web-02", serial: 2, session)
                try TrainedRole.run("/usr/bin/htop", on: "web-01", serial: 3, session)
                let progress = try TrainedRole.detector.runOnce(session)
                #expect(progress.judgedEvents == 2)
                #expect(progress.findingsCreated == 0 && progress.findingsJoined == 0 && progress.findingsReopened == 0)
                let after = try FindingRow.all(session)
                #expect(after.count == 1)
                #expect(after.first?.status == "accepted" && after.first?.hosts == ["web-01"] && after.first?.eventCount == 1)
            }
        }
    }

    @Test func acceptingForOneHostReopensWhenAnotherHostShowsIt() async throws {
        try await MigratedDatabase.with { database in
            try await database.connect().withSession { session in
                try TrainedRole.setUp(session)
                try TrainedRole.run("/usr/bin/strace", on: "web-01", serial: 1, session)
                _ = try TrainedRole.detector.runOnce(session)
                let finding = try #require(try FindingRow.all(session).first)
                try triage(.accept, finding.id, scope: .host, session)

                // The accepted host again: an exception, nothing changes.
                try TrainedRole.run("/usr/bin/strace", on: "web-01", serial: 2, session)
                _ = try TrainedRole.detector.runOnce(session)
                #expect(try FindingRow.all(session) == [FindingRow(
                    id: finding.id, kind: "exec", subject: "/usr/bin/strace", status: "accepted", hosts: ["web-01"], hostCount: 1,
                    eventCount: 1, severity: finding.severity)])

                // Another host: the finding reopens and holds both.
                try TrainedRole.run("/usr/bin/strace", on: "web-02", serial: 3, session)
                let progress = try TrainedRole.detector.runOnce(session)
                #expect(progress.findingsReopened == 1)
                let reopened = try #require(try FindingRow.all(session).first)
                #expect(reopened.status == "open" && reopened.hosts == ["web-01", "web-02"] && reopened.eventCount == 2)
                #expect(try FindingRow.history(finding.id, session) == ["opened", "accepted", "reopened", "host_joined"])
            }
        }
    }

    @Test func resolvingThenSeeingItAgainReopensWithHistoryAndAlert() async throws {
        try await MigratedDatabase.with { database in
            try await database.connect().withSession { session in
                try TrainedRole.setUp(session)
                try TrainedRole.run("/usr/bin/nc", on: "web-03", serial: 1, session)
                _ = try TrainedRole.detector.runOnce(session)
                let finding = try #require(try FindingRow.all(session).first)
                try triage(.resolve, finding.id, session)
                #expect(try FindingRow.all(session).first?.status == "resolved")

                try TrainedRole.run("/usr/bin/nc", on: "web-03", serial: 2, session)
                let progress = try TrainedRole.detector.runOnce(session)
                #expect(progress.findingsReopened == 1 && progress.findingsCreated == 0)
                let again = try FindingRow.all(session)
                #expect(again.count == 1)
                #expect(again.first?.status == "open" && again.first?.eventCount == 2)
                #expect(try FindingRow.history(finding.id, session) == ["opened", "resolved", "reopened"])
                #expect(try FindingRow.alerts(finding.id, session) == ["new", "reopened"])
            }
        }
    }
}
