import FleetModel
import Glibc
import Foundation
import LibPQ
import PostgresFixture
import ServerRuntime
import Storage
import Testing

/// Three hosts of one role scan copies of one tree into a real PostgreSQL; the judge turns
/// their fim events into an inventory and findings.
@Suite struct FileIntegrityJudgeTests {
    static func findings(_ session: Session, kind: String) throws -> [(subject: String, hosts: [String])] {
        try session.query(
            """
            SELECT f.subject, array_agg(h.name ORDER BY h.name)
            FROM herdwatch.findings f JOIN herdwatch.finding_hosts fh ON fh.finding_id = f.id JOIN herdwatch.hosts h ON h.id = fh.host_id
            WHERE f.kind = $1 GROUP BY f.id, f.subject ORDER BY f.subject
            """, [.text(kind)]
        ).rows.map { (try $0.decode(String.self, at: 0), try $0.decode([String?].self, at: 1).compactMap { $0 }) }
    }

    @Test func driftNamesTheHostThatDiffersAndADeployIsOneFinding() async throws {
        let tree = try FleetTree()
        try tree.write("app.conf", "listen 80\n")
        try tree.write("keys/authorized", "ssh-ed25519 AAAA ops\n")
        try tree.write("bin/tool", "#!/bin/sh\n")
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            try await connection.withSession { session in
                _ = try FleetRepository(session: session).assign(try RoleName("web"), patterns: [try HostPattern("h*")])
                let judge = FileIntegrityJudge(settle: .zero)
                let hosts = ["h1", "h2", "h3"]

                // First scans: inventories, no finding.
                for host in hosts { try tree.scan(as: host, session: session) }
                var progress = try judge.run(session)
                #expect(progress.inventoryWritten == 3 * 6)  // root, keys, bin, three files
                #expect(progress.changes == 0 && progress.findingsCreated == 0)
                #expect(try session.count("SELECT count(*) FROM herdwatch.findings") == 0)

                // One host's copy changes: its own file_change and one drift finding naming it.
                try tree.write("app.conf", "listen 8080\n")
                try tree.scan(as: "h1", session: session)
                progress = try judge.run(session)
                let newHash = FleetTree.sha256("listen 8080\n")
                let conf = tree.path("app.conf")
                let subject = conf + " sha256:" + newHash.prefix(12)
                #expect(try Self.findings(session, kind: "file_change").map(\.subject) == [subject])
                let drift = try Self.findings(session, kind: "file_drift")
                #expect(drift.map(\.subject) == [conf])
                #expect(drift.first?.hosts == ["h1"])
                let facts = try session.strings(
                    "SELECT facts::text FROM herdwatch.findings WHERE kind = 'file_drift'").first ?? ""
                #expect(facts.contains("\"2 of 3 web hosts agree; h1 differs\""), "\(facts)")
                #expect(facts.contains(FleetTree.sha256("listen 80\n")), "majority hash: \(facts)")
                #expect(facts.contains("\"h1\": \"\(newHash)\""), "\(facts)")
                // The change's facts carry old and new hash; its evidence is the fim event.
                let changeFacts = try session.strings("SELECT facts::text FROM herdwatch.findings WHERE kind = 'file_change'").first ?? ""
                #expect(changeFacts.contains(FleetTree.sha256("listen 80\n")) && changeFacts.contains(newHash))
                #expect(try session.count(
                    """
                    SELECT count(*) FROM herdwatch.finding_evidence v JOIN herdwatch.findings f ON f.id = v.finding_id
                    WHERE f.kind = 'file_change' AND v.event -> 'fim' ->> 'change' = 'modified'
                    """) == 1)

                // The same change reaches the other hosts: one file_change finding with 3 hosts, no new drift.
                try tree.scan(as: "h2", session: session)
                try tree.scan(as: "h3", session: session)
                progress = try judge.run(session)
                #expect(progress.findingsCreated == 0)
                #expect(try Self.findings(session, kind: "file_change").map(\.hosts) == [hosts])
                #expect(try Self.findings(session, kind: "file_drift").map(\.hosts) == [["h1"]])

                // Rescans with nothing changed: no events, no findings.
                let events = try session.count("SELECT count(*) FROM herdwatch.events")
                let findings = try session.count("SELECT count(*) FROM herdwatch.findings")
                for host in hosts {
                    let scan = try tree.scan(as: host, session: session)
                    #expect(scan.changes.isEmpty && scan.outcome.stored == 0)
                }
                progress = try judge.run(session)
                #expect(progress.changes == 0 && progress.driftSightings == 0)
                #expect(try session.count("SELECT count(*) FROM herdwatch.events") == events)
                #expect(try session.count("SELECT count(*) FROM herdwatch.findings") == findings)

                // A change on one host alone is its own finding (and drift names that host).
                try tree.write("keys/authorized", "ssh-ed25519 AAAA ops\nssh-rsa BBBB intruder\n")
                try tree.scan(as: "h2", session: session)
                progress = try judge.run(session)
                #expect(progress.findingsCreated == 2)
                let changes = try Self.findings(session, kind: "file_change")
                #expect(changes.count == 2)
                #expect(changes.first { $0.subject.hasPrefix(tree.path("keys/authorized")) }?.hosts == ["h2"])
                #expect(try Self.findings(session, kind: "file_drift").first { $0.subject == tree.path("keys/authorized") }?.hosts == ["h2"])
            }
        }
    }

    @Test func eachKindOfChangeIsStoredWithItsHashes() async throws {
        let tree = try FleetTree()
        try tree.write("a", "one")
        try tree.write("b", "two")
        try tree.write("c", "three")
        try tree.write("d", "four")
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            try await connection.withSession { session in
                let first = try tree.scan(as: "solo", session: session)
                #expect(first.outcome.stored == first.changes.count && first.changes.allSatisfy { $0.kind == .inventory })
                #expect(try session.count("SELECT count(*) FROM herdwatch.events WHERE kind = 'fim' AND serial >= 1099511627776") == 5)

                try tree.write("x", "created")
                try tree.write("a", "one, edited")
                #expect(chmod(tree.path("b"), 0o600) == 0)
                try FileManager.default.removeItem(atPath: tree.path("c"))
                #expect(rename(tree.path("d"), tree.path("e")) == 0)
                try tree.scan(as: "solo", session: session)

                let rows = try session.query(
                    """
                    SELECT path, detail -> 'fim' ->> 'change', detail -> 'fim' -> 'old' ->> 'sha256', detail -> 'fim' -> 'new' ->> 'sha256',
                           detail -> 'fim' -> 'new' ->> 'mode', detail -> 'fim' ->> 'old_path'
                    FROM herdwatch.events WHERE kind = 'fim' AND detail -> 'fim' ->> 'change' <> 'inventory' ORDER BY path
                    """)
                let stored = try rows.rows.map { row in
                    try (0..<6).map { try row.decode(String?.self, at: $0) }
                }
                #expect(stored == [
                    [tree.path("a"), "modified", FleetTree.sha256("one"), FleetTree.sha256("one, edited"), "0644", nil],
                    [tree.path("b"), "attributes", FleetTree.sha256("two"), FleetTree.sha256("two"), "0600", nil],
                    [tree.path("c"), "deleted", FleetTree.sha256("three"), nil, nil, nil],
                    [tree.path("e"), "renamed", FleetTree.sha256("four"), FleetTree.sha256("four"), "0644", tree.path("d")],
                    [tree.path("x"), "created", nil, FleetTree.sha256("created"), "0644", nil],
                ])

                // The judge's inventory follows: c and d gone, e and x there with their hashes.
                // Events younger than the settle time wait for a later pass.
                #expect(try FileIntegrityJudge(settle: .seconds(3600)).run(session).batches == 0)
                _ = try FileIntegrityJudge(settle: .zero).run(session)
                let inventory = try session.query(
                    "SELECT path, coalesce(sha256, type), mode FROM herdwatch.file_inventory WHERE path <> $1 ORDER BY path",
                    [.text(tree.root)]).rows.map { row in try (0..<3).map { try row.decode(String.self, at: $0) } }
                #expect(inventory == [
                    [tree.path("a"), FleetTree.sha256("one, edited"), "0644"],
                    [tree.path("b"), FleetTree.sha256("two"), "0600"],
                    [tree.path("e"), FleetTree.sha256("four"), "0644"],
                    [tree.path("x"), FleetTree.sha256("created"), "0644"],
                ])
                // Unassigned host: findings under the empty role, one per change, in the documented forms.
                let subjects = try session.strings("SELECT subject FROM herdwatch.findings WHERE kind = 'file_change' AND role = '' ORDER BY subject")
                func short(_ text: String) -> String { String(FleetTree.sha256(text).prefix(12)) }
                let expected: [String] = [
                    tree.path("a") + " sha256:" + short("one, edited"),
                    tree.path("b") + " attributes mode 0644->0600",
                    tree.path("c") + " deleted",
                    tree.path("e") + " sha256:" + short("four") + " renamed from " + tree.path("d"),
                    tree.path("x") + " sha256:" + short("created"),
                ]
                #expect(subjects == expected)
            }
        }
    }
}

extension FileIntegrityJudgeTests {
    /// An audit `-w` watch saw who wrote the file before the scan: the finding names them and
    /// keeps that event as evidence beside the fim event.
    @Test func theLastWriterSeenByAnAuditWatchIsNamed() async throws {
        let tree = try FleetTree()
        try tree.write("sudoers", "root ALL=(ALL) ALL\n")
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            try await connection.withSession { session in
                try tree.scan(as: "db-1", session: session)
                try tree.write("sudoers", "root ALL=(ALL) ALL\nmallory ALL=(ALL) NOPASSWD: ALL\n")
                var now = timespec()
                clock_gettime(CLOCK_REALTIME, &now)
                var watch = IngestRow(
                    eventTime: PostgresTimestamp(microsecondsSinceEpoch: Int64(now.tv_sec) * 1_000_000 - 5_000_000), serial: 42, kind: "file")
                watch.path = "sudoers"
                watch.cwd = tree.root
                watch.exe = "/usr/bin/vim.basic"
                watch.pid = 4242
                watch.uid = 0
                watch.auid = 1001
                watch.ruleKey = "identity"
                _ = try EventIngest.ingest([watch], hostname: "db-1", machineID: nil, session: session)
                try tree.scan(as: "db-1", session: session)
                _ = try FileIntegrityJudge(settle: .zero).run(session)

                let facts = try session.strings("SELECT facts -> 'changed_by' ->> 'exe' FROM herdwatch.findings WHERE kind = 'file_change'")
                #expect(facts == ["/usr/bin/vim.basic"])
                let evidence = try session.strings(
                    """
                    SELECT coalesce(v.event -> 'fim' ->> 'change', v.event ->> 'kind') FROM herdwatch.finding_evidence v
                    ORDER BY 1
                    """)
                #expect(evidence == ["file", "modified"])
            }
        }
    }
}
