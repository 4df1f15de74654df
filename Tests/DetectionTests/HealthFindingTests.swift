import Baselining
import FleetFixture
import LibPQ
import PostgresFixture
import ServerRuntime
import Storage
import Testing

@Suite("Heartbeats and host identity")
struct HealthFindingTests {
    static let boot = "6f1c1f3e-8a3b-4f55-9d55-1c0e3f1b2a10"

    static func beat(_ report: String, as login: TestLogin) async throws {
        let stored = try await login.connect().withSession { session in
            try AgentHeartbeat.record(hostname: "web-01", machineID: "m-web-01", bootID: Self.boot, reportJSON: report, session: session)
        }
        #expect(stored)
    }

    @Test func lossTamperingAndTheAgentsOwnReloadFromHeartbeats() async throws {
        try await MigratedDatabase.with { database in
            let agent = try await TestLogin.create(granted: "herdwatch_agent", in: database)
            _ = try await agent.connect().withSession { session in
                try EventIngest.ingest([SyntheticEvents.exec("/usr/bin/true", day: TrainedRole.testDay, serial: 1)],
                                       hostname: "web-01", machineID: "m-web-01", session: session)
            }
            let admin = try await database.connect()
            func detect() async throws -> [String] {
                try await admin.withSession { session in
                    _ = try Detector(canonicalization: try TermCanonicalization()).runOnce(session)
                    return try FindingRow.all(session).map { "\($0.kind) \($0.subject) x\($0.eventCount)" }
                }
            }
            let started = #"{"started_at":1000,"kernel_lost":3,"rules_digest":"a","rules_reloaded_at":1000,"audit_enabled":1}"#
            try await Self.beat(started, as: agent)
            #expect(try await detect() == [])

            // The agent reloading its own rules announces it: a new digest with a new reload time.
            try await Self.beat(#"{"started_at":1000,"kernel_lost":3,"rules_digest":"b","rules_reloaded_at":2000,"audit_enabled":1}"#, as: agent)
            #expect(try await detect() == [])

            try await Self.beat(#"{"started_at":1000,"kernel_lost":10,"rules_digest":"b","rules_reloaded_at":2000,"audit_enabled":1}"#, as: agent)
            #expect(try await detect() == ["event_loss kernel_lost x7"])

            try await Self.beat(#"{"started_at":1000,"kernel_lost":10,"rules_digest":"c","rules_reloaded_at":2000,"audit_enabled":1}"#, as: agent)
            #expect(try await detect() == ["event_loss kernel_lost x7", "audit_tamper rules_digest_changed x1"])

            try await Self.beat(#"{"started_at":1000,"kernel_lost":10,"rules_digest":"c","rules_reloaded_at":2000,"audit_enabled":1,"stopping":true}"#, as: agent)
            #expect(try await detect() == ["event_loss kernel_lost x7", "audit_tamper rules_digest_changed x1", "audit_tamper agent_stopped x1"])
        }
    }

    @Test func aLoginWritingAsAnotherHostIsAuditTamper() async throws {
        try await MigratedDatabase.with { database in
            let owner = try await TestLogin.create(granted: "herdwatch_agent", in: database)
            let intruder = try await TestLogin.createNamed("intruder", granted: "herdwatch_agent", in: database)
            let row = SyntheticEvents.exec("/usr/bin/true", day: TrainedRole.testDay, serial: 1)
            let first = try await owner.connect().withSession { session in
                try EventIngest.ingest([row], hostname: "web-01", machineID: "m-web-01", session: session)
            }
            #expect(first.stored == 1)
            let refused = try await intruder.connect().withSession { session in
                try EventIngest.ingest([SyntheticEvents.exec("/usr/bin/true", day: TrainedRole.testDay, serial: 2)],
                                       hostname: "web-01", machineID: "m-web-01", session: session)
            }
            #expect(refused.refused)

            let admin = try await database.connect()
            let findings = try await admin.withSession { session in
                _ = try TrainedRole.detector.runOnce(session)
                return try FindingRow.all(session)
            }
            #expect(findings.map(\.description) == ["audit_tamper foreign_host_write by \(intruder.name) on web-01 [open]"])
            // Judged once: a second pass adds nothing.
            let again = try await admin.withSession { session in
                try TrainedRole.detector.runOnce(session).health.identityConditions
            }
            #expect(again == 0)
        }
    }
}
