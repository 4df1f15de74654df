import FleetFixture
import PostgresFixture
import Baselining
import FleetModel
import LibPQ
import ServerRuntime
import Storage
import Testing

@Suite struct ObservationRollupTests {
    let rollup = ObservationRollup(canonicalization: try! TermCanonicalization(), chunkSize: 3)
    let d = SimulatedFleet.endDay - 3

    @Test func rollsUpInChunksBehindTheWatermark() async throws {
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            try await connection.withSession { session in
                _ = try FleetRepository(session: session).assign(try RoleName("app"), patterns: [try HostPattern("app-*")])
                let rows = (0..<5).map { SyntheticEvents.exec("/opt/app/releases/2026-\($0)/bin/app", parent: "/usr/lib/systemd/systemd", day: d, serial: Int64($0)) }
                try SyntheticEvents.ship(rows, host: "app-01", session)
                let first = try rollup.run(session)
                #expect(first.chunks == 2)
                #expect(first.throughSeq == 5)
                try SyntheticEvents.ship([SyntheticEvents.exec("/usr/bin/curl", day: d + 1, serial: 9)], host: "app-01", session)
                let second = try rollup.run(session)
                #expect(second.throughSeq == 6 && second.chunks == 1)
                #expect(try rollup.run(session).chunks == 0)
                let counts = try session.query(
                    "SELECT kind, term, sum(count)::bigint FROM herdwatch.observations GROUP BY 1, 2 ORDER BY 1, 2").rows.map {
                        "\(try $0.decode(String.self, at: 0)) \(try $0.decode(String.self, at: 1)) \(try $0.decode(Int.self, at: 2))"
                    }
                #expect(counts == [
                    "exec /opt/app/releases/*/bin/app 5",
                    "exec /usr/bin/curl 1",
                    "lineage /usr/lib/systemd/systemd -> /opt/app/releases/*/bin/app 5",
                ])
            }
        }
    }

    @Test func hostsWithoutRoleWaitAndRoleChangesReDerive() async throws {
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            try await connection.withSession { session in
                try SyntheticEvents.ship([SyntheticEvents.exec("/usr/bin/a", day: d, serial: 1)], host: "box-01", session)
                #expect(try rollup.run(session).observations == 0)

                let fleet = FleetRepository(session: session)
                _ = try fleet.assign(try RoleName("alpha"), patterns: [try HostPattern("box-*")])
                let progress = try rollup.run(session)
                #expect(progress.rederivedHosts == 1)
                #expect(try roles(session) == ["alpha /usr/bin/a 1"])

                try SyntheticEvents.ship([SyntheticEvents.exec("/usr/bin/a", day: d, serial: 2)], host: "box-01", session)
                _ = try fleet.unassign(try RoleName("alpha"), patterns: [try HostPattern("box-*")])
                _ = try fleet.assign(try RoleName("beta"), patterns: [try HostPattern("box-*")])
                _ = try rollup.run(session)
                #expect(try roles(session) == ["beta /usr/bin/a 2"])
            }
        }
    }

    /// The transport comes from the event's `detail.socket.proto`: udp when the agent says so,
    /// tcp when it says tcp, does not know, or writes anything else.
    @Test func connectAndListenTermsCarryTheTransport() async throws {
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            try await connection.withSession { session in
                _ = try FleetRepository(session: session).assign(try RoleName("dns"), patterns: [try HostPattern("dns-*")])
                let resolved = "/usr/lib/systemd/systemd-resolved"
                try SyntheticEvents.ship([
                    SyntheticEvents.connect("10.0.0.2", port: 53, proto: "udp", exe: resolved, day: d, serial: 1),
                    SyntheticEvents.connect("10.0.0.2", port: 53, proto: "tcp", exe: resolved, day: d, serial: 2),
                    SyntheticEvents.connect("10.0.0.3", port: 53, exe: resolved, day: d, serial: 3),
                    SyntheticEvents.connect("10.0.0.4", port: 53, proto: "x\"y", exe: resolved, day: d, serial: 4),
                    SyntheticEvents.listen(port: 53, proto: "udp", exe: "/usr/sbin/unbound", day: d, serial: 5),
                    SyntheticEvents.listen(port: 853, exe: "/usr/sbin/unbound", day: d, serial: 6),
                ], host: "dns-01", session)
                _ = try rollup.run(session)
                let terms = try session.query("SELECT kind || ' ' || term FROM herdwatch.observations ORDER BY 1").rows.map {
                    try $0.decode(String.self, at: 0)
                }
                #expect(terms == [
                    "connect 10.0.0.2:53/tcp \(resolved)",
                    "connect 10.0.0.2:53/udp \(resolved)",
                    "connect 10.0.0.3:53/tcp \(resolved)",
                    "connect 10.0.0.4:53/tcp \(resolved)",
                    "listen 53/udp /usr/sbin/unbound",
                    "listen 853/tcp /usr/sbin/unbound",
                ])
            }
        }
    }

    func roles(_ session: Session) throws -> [String] {
        try session.query("SELECT role, term, sum(count)::bigint FROM herdwatch.observations WHERE kind = 'exec' GROUP BY 1, 2 ORDER BY 1, 2").rows.map {
            "\(try $0.decode(String.self, at: 0)) \(try $0.decode(String.self, at: 1)) \(try $0.decode(Int.self, at: 2))"
        }
    }
}

@Suite struct ServiceLoginTests {
    /// The service runs as a login holding only herdwatch_service: the rollup's lock, sequence
    /// read and temporary table, and learning's writes, must all be allowed to it.
    @Test func rollupAndLearningRunAsTheServiceRole() async throws {
        try await MigratedDatabase.with { database in
            let admin = try await database.connect()
            let login = "login_\(database.name)_service"
            try await admin.execute("CREATE ROLE \(login) LOGIN IN ROLE herdwatch_service")
            try await admin.withSession { session in
                _ = try FleetRepository(session: session).assign(try RoleName("app"), patterns: [try HostPattern("app-*")])
                for host in 1...3 {
                    try SyntheticEvents.ship([SyntheticEvents.exec("/usr/bin/app", day: SimulatedFleet.endDay - 1, serial: 1)], host: "app-0\(host)", session)
                }
            }
            let service = try await Connection.connect(conninfo: "\(database.conninfo) user=\(login)")
            let outcomes = try await service.withSession { session in
                try BaselineTraining(learner: Learner(), rollup: ObservationRollup(canonicalization: try TermCanonicalization()))
                    .train(roles: nil, firstDay: SimulatedFleet.endDay - 2, endDay: SimulatedFleet.endDay, activate: true, session: session).1
            }
            #expect(outcomes.map(\.baseline.admitted) == [[Term(.exec, "/usr/bin/app")]])
            #expect(outcomes.first?.activated == true)
        }
    }
}
