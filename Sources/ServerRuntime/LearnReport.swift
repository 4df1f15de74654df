import Baselining

/// The text `herdwatch learn` prints: a summary per role and kind, then the held-back, added
/// and dropped terms. Terms are host data and are shown escaped (``TextTable/printable(_:)``).
public enum LearnReport {
    public static func render(progress: ObservationRollup.Progress, outcomes: [BaselineTraining.Outcome], firstDay: Int, endDay: Int) -> String {
        var lines: [String] = []
        lines.append("rolled up events through ingest_seq \(progress.throughSeq) (\(progress.chunks) chunk(s), \(progress.observations) observation row(s), \(progress.rederivedHosts) host(s) re-derived)")
        lines.append("window \(BaselineFile.date(day: firstDay))/\(BaselineFile.date(day: endDay)) (\(endDay - firstDay) days, UTC)")
        guard !outcomes.isEmpty else {
            lines.append("no role has observations in the window")
            return lines.joined(separator: "\n")
        }
        var table = TextTable(["ROLE", "VERSION", "KIND", "ADMITTED", "HELD BACK", "ADDED", "DROPPED"])
        for o in outcomes {
            let version = "\(o.versionID)" + (o.created ? " new" : " unchanged") + (o.activated ? ", activated" : "")
            for kind in TermKind.allCases {
                let entries = o.baseline.entries.filter { $0.term.kind == kind }
                table.append([
                    o.role, version, kind.rawValue,
                    String(entries.filter { $0.status == .admitted }.count), String(entries.filter { $0.status == .heldBack }.count),
                    String(o.added.filter { $0.kind == kind }.count), String(o.dropped.filter { $0.kind == kind }.count),
                ])
            }
        }
        lines.append(table.render())
        for o in outcomes {
            let held = o.baseline.entries.filter { $0.status == .heldBack }
            if !held.isEmpty {
                lines.append("")
                lines.append("held back in \(o.role) (too few peers; review before accepting):")
                for e in held {
                    let p = e.prevalence.map { " (hosts \($0.hosts)/\($0.roleHosts), days \($0.days))" } ?? ""
                    lines.append("  \(e.term.kind.rawValue) \(TextTable.printable(e.term.value))\(p)")
                }
            }
            guard let against = o.previouslyActive.map({ "active version \($0)" }) else {
                lines.append("")
                lines.append("\(o.role): no active version before; all \(o.baseline.admitted.count) admitted terms are new (herdwatch baseline show \(o.versionID))")
                continue
            }
            if !o.added.isEmpty || !o.dropped.isEmpty {
                lines.append("")
                lines.append("\(o.role) against \(against):")
                for t in o.added { lines.append("  + \(t.kind.rawValue) \(TextTable.printable(t.value))") }
                for t in o.dropped { lines.append("  - \(t.kind.rawValue) \(TextTable.printable(t.value))") }
            }
        }
        return lines.joined(separator: "\n")
    }
}
