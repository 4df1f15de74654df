import Baselining
import Foundation
import LibPQ
import Storage

/// `herdwatch backtest`: learns each role's baseline from a training window (without storing
/// it) and reports what it would have flagged in the test window that follows, optionally scored
/// against a simulation's ground truth.
public struct BacktestRun: Sendable {
    public var training: BaselineTraining

    public init(training: BaselineTraining) {
        self.training = training
    }

    public struct RoleResult: Sendable {
        public var role: String
        public var baseline: Baseline
        public var novelties: [Backtest.Novelty]
    }

    /// One line of a simulation's ground-truth.json.
    public struct GroundTruthEntry: Sendable, Decodable, Hashable {
        public var host: String
        public var time: String
        public var kind: String
        public var subject: String
        public var description: String
    }

    public struct Result: Sendable {
        public var roles: [RoleResult]
        public var hostNames: [Int64: String]
    }

    public func run(roles: [String]?, firstDay: Int, splitDay: Int, endDay: Int, session: Session) throws -> Result {
        _ = try training.rollup.run(session)
        let repository = BaselineRepository(session: session)
        var results: [RoleResult] = []
        for role in try roles ?? repository.roles() {
            let baseline = training.learner.learn(
                role: role, firstDay: firstDay, endDay: splitDay,
                observations: try repository.observations(role: role, firstDay: firstDay, endDay: splitDay),
                accepted: try repository.acceptedTerms(role: role))
            let test = try repository.observations(role: role, firstDay: splitDay, endDay: endDay)
            results.append(RoleResult(role: role, baseline: baseline, novelties: Backtest.novelties(baseline, test: test)))
        }
        return Result(roles: results, hostNames: try repository.hostNames())
    }

    /// Whether a novelty is the one a ground-truth entry describes: same kind, a host that showed
    /// it, and the same subject (connect subjects carry no executable, so they match by prefix).
    public static func matches(_ entry: GroundTruthEntry, _ novelty: Backtest.Novelty, hostNames: [Int64: String]) -> Bool {
        guard entry.kind == novelty.term.kind.rawValue, novelty.hostIDs.contains(where: { hostNames[$0] == entry.host }) else {
            return false
        }
        return novelty.term.value == entry.subject || novelty.term.value.hasPrefix(entry.subject + " ")
    }

    /// The report `herdwatch backtest` prints.
    public static func render(_ result: Result, groundTruth: [GroundTruthEntry]?, firstDay: Int, splitDay: Int, endDay: Int) -> String {
        var lines = [
            "trained on \(BaselineFile.date(day: firstDay))/\(BaselineFile.date(day: splitDay)), tested on \(BaselineFile.date(day: splitDay))/\(BaselineFile.date(day: endDay)) (UTC days)"
        ]
        var table = TextTable(["ROLE", "HOSTS", "ADMITTED", "HELD BACK", "WOULD FLAG", "EXEC", "LINEAGE", "CONNECT", "LISTEN", "LOGIN"])
        for r in result.roles {
            table.append([r.role, String(r.baseline.roleHosts), String(r.baseline.admitted.count), String(r.baseline.heldBack.count),
                          String(r.novelties.count)] + TermKind.allCases.map { kind in String(r.novelties.filter { $0.term.kind == kind }.count) })
        }
        lines.append(table.render())
        for r in result.roles where !r.novelties.isEmpty {
            lines.append("")
            lines.append("\(r.role) would flag:")
            for n in r.novelties {
                let hosts = n.hostIDs.map { result.hostNames[$0] ?? String($0) }
                let shown = hosts.prefix(5).joined(separator: ",") + (hosts.count > 5 ? ",…" : "")
                lines.append("  \(n.term.kind.rawValue) \(TextTable.printable(n.term.value))  on \(hosts.count)/\(r.baseline.roleHosts): \(TextTable.printable(shown))")
            }
        }
        if let groundTruth {
            let all = result.roles.flatMap(\.novelties)
            let scored = groundTruth.filter { TermKind(rawValue: $0.kind) != nil }
            let caught = scored.filter { entry in all.contains { matches(entry, $0, hostNames: result.hostNames) } }
            lines.append("")
            lines.append("ground truth: \(caught.count) of \(scored.count) baseline-kind entries would be flagged; \(groundTruth.count - scored.count) entries are other kinds (detector's, not baselines')")
            for entry in scored where !caught.contains(entry) {
                lines.append("  missed: \(entry.kind) \(TextTable.printable(entry.subject)) on \(entry.host)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
