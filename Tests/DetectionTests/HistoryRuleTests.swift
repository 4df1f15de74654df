import FleetFixture
import LibPQ
import PostgresFixture
import ServerRuntime
import Testing

@Suite("What the detector judges: history, late arrivals, roles waiting for a baseline")
struct HistoryRuleTests {
    @Test func storedBeforeTheBaselineIsHistoryButAnOldTimeArrivingLaterIsJudged() async throws {
        try await MigratedDatabase.with { database in
            try await database.connect().withSession { session in
                let day = TrainedRole.trainingDays.lowerBound + 1
                try TrainedRole.setUp(session) { session in
                    // On one host of four: held back from the baseline, so it would be new.
                    try TrainedRole.run("/usr/bin/oldtool", on: "web-01", serial: 1, day: day, session)
                }
                // Claims a time inside the training window, but arrives after the baseline.
                try TrainedRole.run("/usr/bin/latetool", on: "web-02", serial: 2, day: day, session)
                let progress = try TrainedRole.detector.runOnce(session)
                #expect(progress.historyEvents == 4 * 3 * 2 + 1)
                #expect(progress.judgedEvents == 1)
                #expect(try FindingRow.all(session).map(\.description) == ["exec /usr/bin/latetool on web-02 [open]"])
            }
        }
    }

    @Test func aRoleWithoutABaselineWaitsAndIsJudgedOnceItHasOne() async throws {
        try await MigratedDatabase.with { database in
            try await database.connect().withSession { session in
                try TrainedRole.setUp(session)
                try TrainedRole.shipTrainingDays(session, role: "db")
                try TrainedRole.run("/usr/bin/pg_dumpall", on: "db-02", serial: 1, session)
                try TrainedRole.run("/usr/bin/htop", on: "web-01", serial: 2, session)

                let waiting = try TrainedRole.detector.runOnce(session)
                #expect(waiting.waitingRoles == ["db"])
                #expect(try FindingRow.all(session).map(\.description) == ["exec /usr/bin/htop on web-01 [open]"])

                try TrainedRole.train(session, role: "db")
                let caughtUp = try TrainedRole.detector.runOnce(session)
                #expect(caughtUp.waitingRoles.isEmpty)
                #expect(caughtUp.judgedEvents == 1, "only db's test-day event: its training days are history now")
                #expect(try FindingRow.all(session).map(\.description) == [
                    "exec /usr/bin/htop on web-01 [open]", "exec /usr/bin/pg_dumpall on db-02 [open]",
                ])
                #expect(try FindingRow.all(session).allSatisfy { $0.eventCount == 1 })
                let again = try TrainedRole.detector.runOnce(session)
                #expect(again.judgedEvents == 0 && again.findingsCreated == 0)
            }
        }
    }

    /// Events stored after the baseline is activated but before the next pass are judged by the
    /// pass itself, and the catch-up of the role's waiting events must not judge them again.
    @Test func eventsAfterTheActivationAreJudgedOnceWhileTheBacklogCatchesUp() async throws {
        try await MigratedDatabase.with { database in
            try await database.connect().withSession { session in
                try TrainedRole.setUp(session)
                try TrainedRole.shipTrainingDays(session, role: "db")
                try TrainedRole.run("/usr/bin/pg_dumpall", on: "db-02", serial: 1, session)
                #expect(try TrainedRole.detector.runOnce(session).waitingRoles == ["db"])

                try TrainedRole.train(session, role: "db")
                try TrainedRole.run("/usr/bin/pg_dumpall", on: "db-03", serial: 2, session)
                let caughtUp = try TrainedRole.detector.runOnce(session)
                #expect(caughtUp.judgedEvents == 2)
                #expect(try FindingRow.all(session).map(\.description) == ["exec /usr/bin/pg_dumpall on db-02,db-03 [open]"])
                #expect(try FindingRow.all(session).first?.eventCount == 2)
            }
        }
    }
}
