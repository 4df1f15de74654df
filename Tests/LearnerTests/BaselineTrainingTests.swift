import FleetFixture
import PostgresFixture
import Baselining
import FleetModel
import LibPQ
import ServerRuntime
import Storage
import Testing

@Suite struct BaselineTrainingTests {
    let training = BaselineTraining(learner: Learner(), rollup: ObservationRollup(canonicalization: try! TermCanonicalization()))
    let endDay = SimulatedFleet.endDay

    /// The simulator's pre-misbehaving miner runs on 1 of 8 worker hosts on every training day.
    @Test func oneHostOfEightCannotTeachItsBackdoor() async throws {
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            try await connection.withSession { session in
                try SimulatedFleet.load("worker:8", days: 3, attacks: true, into: session)
                // Train on the days before the attack day.
                let (_, outcomes) = try training.train(roles: nil, firstDay: endDay - 3, endDay: endDay - 1, activate: true, session: session)
                let worker = try #require(outcomes.first { $0.role == "worker" })
                let miner = Term(.exec, "/var/tmp/.cache/kthreadd")
                let held = try #require(worker.baseline.entries.first { $0.term == miner })
                #expect(held.status == .heldBack)
                #expect(held.prevalence?.hosts == 1 && held.prevalence?.roleHosts == 8 && held.prevalence?.days == 2)
                #expect(worker.baseline.heldBack.contains { $0.kind == .connect && $0.value.hasPrefix("198.51.100.77:3333/tcp") })
                #expect(!worker.baseline.admitted.contains { $0.value.contains("kthreadd") })
                #expect(worker.baseline.admitted.contains(Term(.exec, "/usr/sbin/sshd")))
                #expect(worker.created && worker.activated)
                let report = LearnReport.render(progress: .init(), outcomes: outcomes, firstDay: endDay - 3, endDay: endDay - 1)
                #expect(report.contains("exec /var/tmp/.cache/kthreadd (hosts 1/8, days 2)"))

                // Backtest on the attack day: the miner and the attacks of baseline kinds are flagged.
                let backtest = try BacktestRun(training: training).run(
                    roles: ["worker"], firstDay: endDay - 3, splitDay: endDay - 1, endDay: endDay, session: session)
                let flagged = Set(try #require(backtest.roles.first).novelties.map(\.term))
                #expect(flagged.contains(miner))
                #expect(flagged.contains { $0.kind == .connect && $0.value.hasPrefix("198.51.100.77:3333/tcp") })
                #expect(!flagged.contains(Term(.exec, "/usr/sbin/sshd")))
            }
        }
    }

    @Test func rolesOfOneAndTwoHostsGetUsefulBaselines() async throws {
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            try await connection.withSession { session in
                try SimulatedFleet.load("db:1,web:2", days: 3, into: session)
                let (_, outcomes) = try training.train(roles: nil, firstDay: endDay - 3, endDay: endDay, activate: false, session: session)
                let db = try #require(outcomes.first { $0.role == "db" })
                let web = try #require(outcomes.first { $0.role == "web" })
                #expect(db.baseline.roleHosts == 1 && web.baseline.roleHosts == 2)
                // One host: what recurs on two days is admitted (cron jobs, upstream connections);
                // what happened once, like the daemons' boot and their listening ports, is held back
                // and listed for review.
                #expect(db.baseline.admitted.contains(Term(.exec, "/usr/sbin/logrotate")))
                #expect(db.baseline.admitted.contains { $0.kind == .connect && $0.value.contains("/usr/lib/systemd/systemd-resolved") })
                #expect(db.baseline.heldBack.contains { $0.kind == .listen && $0.value.hasPrefix("5432/tcp") })
                // Two hosts: what both show is admitted, boot-time terms included.
                #expect(web.baseline.admitted.contains { $0.kind == .listen && $0.value.hasPrefix("443/tcp") })
                #expect(web.baseline.admitted.contains(Term(.exec, "/usr/sbin/nginx")))
                for o in [db, web] {
                    #expect(o.baseline.admitted.count > 20)
                }
                #expect(web.baseline.admitted.count > web.baseline.heldBack.count)
            }
        }
    }

    @Test func manyAddressesOfOneNetworkBecomeOnePrefixTerm() async throws {
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            try await connection.withSession { session in
                _ = try FleetRepository(session: session).assign(try RoleName("web"), patterns: [try HostPattern("web-*")])
                let exe = "/usr/bin/python3.11"
                for host in 1...4 {
                    var rows: [IngestRow] = []
                    for i in 0..<300 where i % 4 == host - 1 || i < 8 {
                        rows.append(SyntheticEvents.connect("52.216.\(i % 200).\(i / 2 + 1)", port: 443, exe: exe, day: endDay - 1 - i % 3, serial: Int64(i)))
                    }
                    rows.append(SyntheticEvents.connect("10.0.3.4", port: 5432, exe: exe, day: endDay - 1, serial: 1000))
                    if host == 2 { rows.append(SyntheticEvents.connect("198.51.100.23", port: 443, exe: exe, day: endDay - 1, serial: 1001)) }
                    try SyntheticEvents.ship(rows, host: "web-0\(host)", session)
                }
                let (_, outcomes) = try training.train(roles: ["web"], firstDay: endDay - 3, endDay: endDay, activate: false, session: session)
                let web = try #require(outcomes.first)
                #expect(web.baseline.admitted == [
                    Term(.connect, "10.0.3.4:5432/tcp \(exe)"),
                    Term(.connect, "52.216.0.0/16:443/tcp \(exe)"),
                ])
                #expect(web.baseline.heldBack == [Term(.connect, "198.51.100.23:443/tcp \(exe)")])
                let text = BaselineFile.render(web.baseline, version: web.versionID)
                #expect(text.contains(#"- {term: "52.216.0.0/16:443/tcp /usr/bin/python3.11", hosts: 4/4, days: 3+, origin: prefix}"#))
            }
        }
    }

    @Test func exportsAreDeterministicAndRoundTrip() async throws {
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            try await connection.withSession { session in
                try SimulatedFleet.load("web:3", days: 3, into: session)
                let (_, first) = try training.train(roles: nil, firstDay: endDay - 3, endDay: endDay, activate: true, session: session)
                let repository = BaselineRepository(session: session)
                let id = try #require(first.first?.versionID)
                let stored = try #require(try repository.baseline(id))
                let exported = BaselineFile.render(stored.baseline, version: id)
                // The same observations learned again: the same bytes, and no new version.
                let (_, again) = try training.train(roles: nil, firstDay: endDay - 3, endDay: endDay, activate: true, session: session)
                #expect(again.first?.created == false && again.first?.versionID == id)
                #expect(BaselineFile.render(again.first!.baseline, version: id) == exported)
                // Export → import → export.
                let imported = try repository.insert(try BaselineFile.parse(exported).baseline, source: "imported")
                #expect(imported != id)
                let reloaded = try #require(try repository.baseline(imported))
                #expect(BaselineFile.render(reloaded.baseline, version: id) == exported)
                #expect(reloaded.version.termDigest == stored.version.termDigest)
            }
        }
    }

    @Test func retrainingKeepsAcceptedTermsAndDropsUnseenOnes() async throws {
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            try await connection.withSession { session in
                _ = try FleetRepository(session: session).assign(try RoleName("app"), patterns: [try HostPattern("app-*")])
                for host in 1...3 {
                    var rows = (0..<4).map { SyntheticEvents.exec("/usr/bin/app", day: endDay - 4 + $0, serial: Int64($0)) }
                    rows.append(SyntheticEvents.exec("/usr/bin/old-tool", day: endDay - 4, serial: 10))
                    if host == 1 { rows.append(SyntheticEvents.exec("/usr/local/bin/odd", day: endDay - 1, serial: 11)) }
                    try SyntheticEvents.ship(rows, host: "app-0\(host)", session)
                }
                let (_, v1) = try training.train(roles: nil, firstDay: endDay - 4, endDay: endDay, activate: true, session: session)
                #expect(v1[0].baseline.admitted == [Term(.exec, "/usr/bin/app"), Term(.exec, "/usr/bin/old-tool")])
                #expect(v1[0].baseline.heldBack == [Term(.exec, "/usr/local/bin/odd")])

                try BaselineRepository(session: session).accept(Term(.exec, "/usr/local/bin/odd"), role: "app", note: "ops tool")
                let (_, v2) = try training.train(roles: nil, firstDay: endDay - 3, endDay: endDay, activate: true, session: session)
                #expect(v2[0].created && v2[0].versionID != v1[0].versionID)
                #expect(v2[0].baseline.admitted == [Term(.exec, "/usr/bin/app"), Term(.exec, "/usr/local/bin/odd")])
                #expect(v2[0].added == [Term(.exec, "/usr/local/bin/odd")])
                #expect(v2[0].dropped == [Term(.exec, "/usr/bin/old-tool")])

                // Nothing changed: no new version. The accepted term stays even when unseen.
                let (_, v3) = try training.train(roles: nil, firstDay: endDay - 2, endDay: endDay, activate: true, session: session)
                #expect(!v3[0].created && v3[0].versionID == v2[0].versionID)
                let (_, v4) = try training.train(roles: nil, firstDay: endDay - 3, endDay: endDay - 1, activate: false, session: session)
                #expect(v4[0].baseline.admitted.contains(Term(.exec, "/usr/local/bin/odd")))
                #expect(v4[0].baseline.entries.first { $0.term.value == "/usr/local/bin/odd" }?.origin == .accepted)
            }
        }
    }
}
