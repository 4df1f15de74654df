import FleetModel
import Findings
import LibPQ
import Storage

extension FileIntegrityJudge {
    /// One sighting per change event. Severity follows the hosts showing the same (role,
    /// subject), so a change on one host of eight ranks above a fleet-wide deploy.
    static func changeSightings(_ events: [FileInventoryStore.ChangeEvent]) -> [FindingStore.Sighting] {
        let subjects = events.map { event in
            FileFindingSubject.change(event.change, path: event.path, oldPath: event.oldPath, old: event.old, new: event.new)
        }
        var hostsPerSubject: [String: Set<Int64>] = [:]
        for (event, subject) in zip(events, subjects) {
            guard let subject else { continue }
            hostsPerSubject[event.role + "\u{0}" + subject, default: []].insert(event.hostID)
        }
        return zip(events, subjects).compactMap { event, subject in
            guard let subject else { return nil }
            let hosts = hostsPerSubject[event.role + "\u{0}" + subject]?.count ?? 1
            let context = Severity.Context(kind: .fileChange, hosts: hosts, roleHosts: event.roleHosts)
            var sighting = FindingStore.Sighting(
                role: event.role, kind: .fileChange, subject: subject, hostID: event.hostID, eventCount: 1,
                firstSeen: event.eventTime, lastSeen: event.eventTime, severity: Severity(context),
                roleHosts: event.roleHosts, facts: event.facts,
                evidence: [.events([event.ingestSeq] + (event.writerSeq.map { [$0] } ?? []))])
            // The store recomputes the severity from the finding's host count as hosts join, so
            // a deploy that reached one host first does not keep a one-host severity.
            sighting.severityContext = context
            return sighting
        }
    }

    /// One sighting per host that differs from its role's majority on a path. The holdings come
    /// sorted by role and path, so each (role, path) is one run.
    static func driftSightings(_ holdings: [FileInventoryStore.Holding]) -> [FindingStore.Sighting] {
        var sightings: [FindingStore.Sighting] = []
        var start = holdings.startIndex
        while start < holdings.endIndex {
            let first = holdings[start]
            var end = start
            while end < holdings.endIndex && holdings[end].role == first.role && holdings[end].path == first.path { end += 1 }
            let group = holdings[start..<end]
            start = end
            let consensus = ContentConsensus(group.map { ContentConsensus.Holder(host: $0.host, content: $0.content) })
            guard consensus.isDrift, let majority = consensus.majority else { continue }
            let facts = driftFacts(consensus, majority: majority, role: first.role, holdings: group)
            let severity = Severity(Severity.Context(kind: .fileDrift, hosts: consensus.differing.count, roleHosts: first.roleHosts))
            for holding in group where holding.content != majority {
                sightings.append(FindingStore.Sighting(
                    role: first.role, kind: .fileDrift, subject: FileFindingSubject.drift(path: first.path),
                    hostID: holding.hostID, eventCount: 1, firstSeen: holding.updatedAt, lastSeen: holding.updatedAt,
                    severity: severity, roleHosts: first.roleHosts, facts: facts, evidence: [.events([holding.ingestSeq])]))
            }
        }
        return sightings
    }

    /// `{"description": "7 of 8 web hosts agree; web-03 differs", "majority": "sha256:…", "majority_sha256": "…",
    /// "agree": 7, "holders": 8, "differs": {"web-03": "<hash or content>"}}`. Top-level keys replace
    /// the previous pass's, so "differs" always names the hosts that differed last.
    static func driftFacts(
        _ consensus: ContentConsensus, majority: String, role: String, holdings: ArraySlice<FileInventoryStore.Holding>
    ) -> String {
        func shown(_ content: String) -> String {
            content.hasPrefix("sha256:") ? String(content.dropFirst("sha256:".count)) : content
        }
        let differs = consensus.differing.map { JSONString.quoted($0.host) + ":" + JSONString.quoted(shown($0.content)) }
        let majoritySHA = majority.hasPrefix("sha256:") ? JSONString.quoted(shown(majority)) : "null"
        return "{\"description\":\(JSONString.quoted(consensus.description(role: role)))"
            + ",\"majority\":\(JSONString.quoted(majority)),\"majority_sha256\":\(majoritySHA)"
            + ",\"agree\":\(consensus.agree),\"holders\":\(consensus.holders)"
            + ",\"differs\":{\(differs.joined(separator: ","))}}"
    }
}
