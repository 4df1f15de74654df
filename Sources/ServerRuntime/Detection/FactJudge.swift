import Baselining
import Findings
import LibPQ
import Storage

/// Judges the facts of one chunk of events: baseline kinds against the role's active baseline,
/// audit configuration changes by ``AuditTamperRule``, failed authentications collected for
/// the burst check. Pure apart from the term cache; the detector does the I/O.
struct FactJudge {
    var terms: TermCache
    var roles: [String: RoleJudge]
    var roleSizes: [String: Int]

    /// One (role, kind, subject, host) seen in the chunk, summed over its facts.
    struct Novelty {
        var sighting: FindingStore.Sighting
        var evidence: [Int64]
    }

    /// Failed authentications of one source on one role's hosts in the chunk.
    struct AuthenticationFailures {
        var role: String?
        var source: String
        var perHost: [Int64: (count: Int64, first: PostgresTimestamp, last: PostgresTimestamp, seqs: [Int64])] = [:]
    }

    struct Outcome {
        var novelties: [Novelty] = []
        var authentication: [AuthenticationFailures] = []
        /// Roles with events of baseline kinds but no active baseline.
        var waitingRoles: Set<String> = []
        var judgedEvents: Int64 = 0
        var historyEvents: Int64 = 0
    }

    private struct Key: Hashable {
        var role: String
        var kind: FindingKind
        var subject: String
        var host: Int64
    }

    /// - Parameters:
    ///   - waiting: roles whose earlier events still wait for the backlog catch-up; their facts of
    ///     baseline kinds wait too, whether or not the role has a baseline by now.
    ///   - baselineKindsOnly: a backlog catch-up, where the other kinds were judged already.
    mutating func judge(_ facts: [DetectorStore.Fact], waiting: Set<String> = [], baselineKindsOnly: Bool = false) -> Outcome {
        var outcome = Outcome()
        var novel: [Key: Novelty] = [:]
        var failures: [String: AuthenticationFailures] = [:]
        for fact in facts {
            if fact.history {
                outcome.historyEvents += fact.count
                continue
            }
            switch fact.kind {
            case "exec", "connect", "listen", "login":
                guard let role = fact.role else { continue }  // Unassigned hosts have no peers to compare with.
                guard let judge = roles[role], !waiting.contains(role) else {
                    outcome.waitingRoles.insert(role)
                    continue
                }
                outcome.judgedEvents += fact.count
                for term in terms.terms(
                    kind: fact.kind, exe: fact.exe, parentExe: fact.parentExe, address: fact.address, port: fact.port,
                    socketPath: fact.socketPath, proto: fact.proto, account: fact.account) where !judge.accepts(term, host: fact.hostID) {
                    guard let kind = FindingKind(rawValue: term.kind.rawValue) else { continue }
                    var context = Severity.Context(kind: kind, hosts: 1, roleHosts: roleSizes[role] ?? 1)
                    context.root = fact.root
                    context.writableLocation = fact.exe.map(Severity.isWorldWritableLocation) ?? false
                    if term.kind == .lineage, let parent = fact.parentExe {
                        context.parentIsNetworkDaemon = judge.networkDaemons.contains(terms.path(parent))
                    }
                    if term.kind == .connect, let address = fact.address.flatMap(IPAddress.init) {
                        context.publicDestination = !address.isPrivateOrLocal
                    }
                    add(&novel, Key(role: role, kind: kind, subject: term.value, host: fact.hostID), fact, context, baselineID: judge.baselineID)
                }
            case "audit_config" where !baselineKindsOnly:
                outcome.judgedEvents += fact.count
                guard let subject = AuditTamperRule.subject(
                    op: fact.configOp, setting: fact.configSetting, value: fact.configValue, byAgent: fact.byAgent) else { continue }
                let role = fact.role ?? ""
                var context = Severity.Context(kind: .auditTamper, hosts: 1, roleHosts: roleSizes[role] ?? 1)
                context.root = fact.root
                add(&novel, Key(role: role, kind: .auditTamper, subject: subject, host: fact.hostID), fact, context, baselineID: nil)
            case "authentication" where !baselineKindsOnly:
                outcome.judgedEvents += fact.count
                guard let source = fact.address else { continue }
                let key = (fact.role ?? "") + "\u{0}" + source
                var entry = failures[key] ?? AuthenticationFailures(role: fact.role, source: source)
                var host = entry.perHost[fact.hostID] ?? (0, fact.firstSeen, fact.lastSeen, [])
                host.count += fact.count
                host.first = min(host.first, fact.firstSeen)
                host.last = max(host.last, fact.lastSeen)
                host.seqs += [fact.firstSeq, fact.lastSeq]
                entry.perHost[fact.hostID] = host
                failures[key] = entry
            default:
                continue
            }
        }
        outcome.novelties = novel.values.sorted { ($0.sighting.firstSeen, $0.sighting.subject) < ($1.sighting.firstSeen, $1.sighting.subject) }
        outcome.authentication = Array(failures.values)
        return outcome
    }

    private func add(
        _ novel: inout [Key: Novelty], _ key: Key, _ fact: DetectorStore.Fact, _ context: Severity.Context, baselineID: Int64?
    ) {
        if var existing = novel[key] {
            existing.sighting.eventCount += fact.count
            existing.sighting.firstSeen = min(existing.sighting.firstSeen, fact.firstSeen)
            existing.sighting.lastSeen = max(existing.sighting.lastSeen, fact.lastSeen)
            if var merged = existing.sighting.severityContext {
                merged.absorb(context)
                existing.sighting.severityContext = merged
                existing.sighting.severity = Severity(merged)
            }
            // Keep the oldest and newest few: the store trims evidence by time anyway.
            if existing.evidence.count >= 8 { existing.evidence.removeSubrange(4..<(existing.evidence.count - 2)) }
            existing.evidence += [fact.firstSeq, fact.lastSeq]
            novel[key] = existing
            return
        }
        var sighting = FindingStore.Sighting(
            role: key.role, kind: key.kind, subject: key.subject, hostID: key.host, eventCount: fact.count,
            firstSeen: fact.firstSeen, lastSeen: fact.lastSeen, severity: Severity(context), baselineID: baselineID,
            roleHosts: context.roleHosts)
        sighting.severityContext = context
        novel[key] = Novelty(sighting: sighting, evidence: [fact.firstSeq, fact.lastSeq])
    }
}
