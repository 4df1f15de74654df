import Baselining
import FleetFixture
import FleetSimulator
import Foundation
import LibPQ
import PostgresFixture
import ServerRuntime
import Storage
import Testing

@Suite("Detection end to end: a simulated week, then a day with attacks")
struct EndToEndDetectionTests {
    /// Roles of four hosts: a role of three admits a term only when all three show it.
    static let roles = "web:4,worker:4,db:4"
    static let days = 8
    /// Enriched logs name users, so the login term is `deploy@…` as the ground truth has it
    /// (raw logs give `auid:1100@…`).
    static let format = LogFormat.enriched

    @Test func everyAttackIsFoundWithItsEvidenceAndTheOrdinaryDayRaisesNothingElse() async throws {
        let truth = try SimulatedFleet.simulation(Self.roles, days: Self.days, attacks: true, format: Self.format).groundTruth
        try await MigratedDatabase.with { database in
            let endDay = SimulatedFleet.endDay
            let (progress, configChanges) = try await database.connect().withSession { session in
                try SimulatedFleet.load(Self.roles, days: Self.days, attacks: true, format: Self.format, into: session)
                let training = BaselineTraining(learner: Learner(), rollup: ObservationRollup(canonicalization: try TermCanonicalization()))
                // Seven training days; the eighth, with the attacks, is judged.
                _ = try training.train(roles: nil, firstDay: endDay - Self.days, endDay: endDay - 1, activate: true, session: session)
                let progress = try Detector(canonicalization: try TermCanonicalization()).runOnce(session)
                let configChanges = try session.query(
                    "SELECT count(*) FROM herdwatch.events WHERE kind = 'audit_config' AND detail ? 'config'").first!.decode(Int.self, at: 0)
                return (progress, configChanges)
            }
            #expect(progress.waitingRoles.isEmpty)
            #expect(progress.historyEvents > progress.judgedEvents && progress.judgedEvents > 0)

            // What scripts see: `findings list --json` from the built executable.
            let run = try await Executables.herdwatch("findings", "list", "--json", "--database-url", database.conninfo)
            #expect(run.exitCode == 0, "\(run.standardError)")
            let findings = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [[String: Any]])
            for finding in findings { FindingContract.check(finding) }

            var explained = Set<Int>()
            for entry in truth {
                let matches = findings.filter { Self.finding($0, shows: entry) }
                let found = { #expect(!matches.isEmpty, "not found: \(entry.kind.rawValue) \(entry.subject) on \(entry.host)") }
                if entry.kind == .auditTamper && configChanges == 0 {
                    // The normalizer does not yet put CONFIG_CHANGE facts into detail.config (a
                    // change being merged separately); until then this cannot be found.
                    withKnownIssue("CONFIG_CHANGE events carry no detail.config yet") { found() }
                } else {
                    found()
                }
                for finding in matches {
                    explained.insert(finding["id"] as! Int)
                    Self.checkEvidence(finding, entry)
                }
            }
            let unexpected = findings.filter { !explained.contains($0["id"] as! Int) }
                .map { "\($0["kind"]!) \($0["subject"]!) on \(($0["hosts"] as? [String])?.joined(separator: ",") ?? "?")" }
            #expect(unexpected == [], "the ordinary behaviour of the attack day raised findings")
        }
    }

    /// A finding of the entry's kind whose subject is the entry's (or starts with it, followed by
    /// the executable: connect and listen) and whose hosts include the entry's host.
    static func finding(_ finding: [String: Any], shows entry: GroundTruthEntry) -> Bool {
        guard finding["kind"] as? String == entry.kind.rawValue, let subject = finding["subject"] as? String,
              let hosts = finding["hosts"] as? [String] else { return false }
        return (subject == entry.subject || subject.hasPrefix(entry.subject + " ")) && hosts.contains(entry.host)
    }

    /// Evidence names the host; for findings made of events, also the user and the process.
    static func checkEvidence(_ finding: [String: Any], _ entry: GroundTruthEntry) {
        let evidence = finding["evidence"] as? [[String: Any]] ?? []
        let onHost = evidence.filter { $0["host"] as? String == entry.host }
        #expect(!onHost.isEmpty, "no evidence on \(entry.host) for \(entry.kind.rawValue) \(entry.subject)")
        guard entry.kind != .hostSilent else { return }
        let explained = onHost.contains { event in
            let user = event["user"] as? [String: Any] ?? [:]
            let process = event["process"] as? [String: Any] ?? [:]
            return (user["auid"] != nil || user["uid"] != nil) && process["exe"] is String && process["pid"] != nil
        }
        #expect(explained, "evidence without user or process for \(entry.kind.rawValue) \(entry.subject): \(onHost)")
    }
}

/// Point 5 of the detector issue: the fields of each element of `findings list --json`.
enum FindingContract {
    static let statuses: Set = ["open", "acknowledged", "resolved", "false_positive", "accepted", "snoozed"]
    static let baselineKinds: Set = ["exec", "lineage", "connect", "listen", "login"]

    static func check(_ f: [String: Any]) {
        let name = "\(f["kind"] ?? "?") \(f["subject"] ?? "?")"
        #expect(f["id"] is Int, "id: \(name)")
        #expect(f["kind"] is String && f["subject"] is String, "kind, subject: \(name)")
        #expect(f["role"] is String || f["role"] is NSNull, "role: \(name)")
        let hosts = f["hosts"] as? [String]
        #expect(hosts?.isEmpty == false, "hosts: \(name)")
        #expect(f["host_count"] as? Int == hosts?.count, "host_count: \(name)")
        let prevalence = f["prevalence"] as? [String: Any]
        #expect(prevalence?["hosts"] as? Int == hosts?.count && prevalence?["role_hosts"] is Int, "prevalence: \(name)")
        #expect((f["event_count"] as? Int).map { $0 >= 0 } == true, "event_count: \(name)")
        for key in ["first_seen", "last_seen"] {
            let time = f[key] as? String ?? ""
            #expect(time.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/) != nil, "\(key) \(time): \(name)")
        }
        #expect((f["status"] as? String).map(statuses.contains) == true, "status: \(name)")
        let severity = f["severity"] as? [String: Any]
        #expect((severity?["score"] as? Int).map { (0...100).contains($0) } == true, "severity.score: \(name)")
        #expect(["low", "medium", "high", "critical"].contains(severity?["label"] as? String ?? ""), "severity.label: \(name)")
        if baselineKinds.contains(f["kind"] as? String ?? "") {
            #expect(f["baseline_version"] is Int, "baseline_version: \(name)")
        } else {
            #expect(f.keys.contains("baseline_version"), "baseline_version: \(name)")
        }
        #expect((f["evidence"] as? [[String: Any]])?.isEmpty == false, "evidence: \(name)")
    }
}
