import Baselining
import Findings
import LibPQ
import Logging
import Storage

/// Judges stored events against the active baseline of each host's role and records findings.
///
/// Walks the ingest sequence in chunks behind a watermark. The end of each chunk is the safe
/// horizon (``ObservationStore/safeHorizon()``): no transaction still holding a lower sequence
/// value can commit later, so a row committed late is never skipped. Each chunk is one
/// transaction holding the watermark row's lock, so two detectors take turns and, with the
/// findings' unique key, never record one thing twice.
///
/// An event is history, not judged, when it lies inside the active baseline's training window
/// and was stored before that baseline was built. Events of a role without an active baseline
/// wait in `detector_backlog` and are judged once the role has one.
///
/// ```swift
/// let progress = try Detector(canonicalization: try TermCanonicalization()).runOnce(session)
/// ```
public struct Detector: Sendable {
    public var canonicalization: TermCanonicalization
    public var chunkSize: Int64
    public var health: HealthCheck
    public var authenticationBurst: AuthenticationBurst
    /// How long a pass waits for ingest transactions that were open when it started.
    public var openIngestWait: Duration = .seconds(5)
    let judges = RoleJudgeCache()

    public init(
        canonicalization: TermCanonicalization, chunkSize: Int64 = 200_000, health: HealthCheck = HealthCheck(),
        authenticationBurst: AuthenticationBurst = AuthenticationBurst()
    ) {
        self.canonicalization = canonicalization
        self.chunkSize = max(1, chunkSize)
        self.health = health
        self.authenticationBurst = authenticationBurst
    }

    public struct Progress: Sendable, Equatable {
        public var throughSeq: Int64 = 0
        public var chunks = 0
        /// Events judged (of the kinds detection reads), and events skipped as history.
        public var judgedEvents: Int64 = 0
        public var historyEvents: Int64 = 0
        /// Roles whose events wait for an active baseline.
        public var waitingRoles: [String] = []
        public var findingsCreated = 0
        public var findingsJoined = 0
        public var findingsReopened = 0
        public var alertsQueued = 0
        public var health = HealthCheck.Progress()
        public var fileIntegrity = FileIntegrityJudge.Progress()
        /// An ingest transaction stayed open past the wait: events after the watermark wait too.
        public var waitingForOpenIngest = false

        public init() {}

        mutating func count(_ change: FindingStore.Change) {
            if change.created { findingsCreated += 1 } else if change.hostJoined { findingsJoined += 1 }
            if change.reopened { findingsReopened += 1 }
            if change.alerted { alertsQueued += 1 }
        }
    }

    /// Judges everything stored so far, then returns.
    public func runOnce(_ session: Session) throws -> Progress {
        var progress = Progress()
        progress.health = try health.run(session)
        progress.fileIntegrity = try FileIntegrityJudge().run(session)
        let store = DetectorStore(session: session)
        // An ingest transaction left open (a stuck agent) holds up this pass, not the fleet's ingest.
        let safe = try store.safeHorizon(wait: openIngestWait)
        progress.waitingForOpenIngest = safe == nil
        let horizon = try safe ?? store.watermark()
        var judge = FactJudge(
            terms: TermCache(canonicalization: canonicalization), roles: try judges.judges(session), roleSizes: try store.roleSizes())
        while true {
            let done: Bool = try session.transaction {
                let from = try store.lockWatermark()
                progress.throughSeq = from
                guard from < horizon else { return true }
                let to = min(horizon, from + chunkSize)
                // A role with waiting events stays waiting until the catch-up has judged them all,
                // even once it has a baseline: the catch-up reads up to the watermark, so events
                // judged here meanwhile would be judged twice.
                let outcome = judge.judge(try store.facts(after: from, through: to), waiting: Set(try store.backlog().keys))
                try record(outcome, session: session, progress: &progress)
                for role in outcome.waitingRoles { try store.addBacklog(role: role, after: from) }
                try store.advanceWatermark(to: to)
                progress.throughSeq = to
                progress.chunks += 1
                return false
            }
            if done { break }
        }
        try catchUpBacklog(session, judge: &judge, progress: &progress)
        progress.waitingRoles = try store.backlog().keys.sorted()
        return progress
    }

    /// Judges the waiting events of roles that now have an active baseline.
    private func catchUpBacklog(_ session: Session, judge: inout FactJudge, progress: inout Progress) throws {
        let store = DetectorStore(session: session)
        for (role, _) in try store.backlog().sorted(by: { $0.key < $1.key }) where judge.roles[role] != nil {
            while true {
                let done: Bool = try session.transaction {
                    let watermark = try store.lockWatermark()
                    guard let from = try store.backlog()[role] else { return true }
                    guard from < watermark else {
                        try store.clearBacklog(role: role)
                        return true
                    }
                    let to = min(watermark, from + chunkSize)
                    let outcome = judge.judge(try store.facts(after: from, through: to, role: role), baselineKindsOnly: true)
                    try record(outcome, session: session, progress: &progress)
                    if to >= watermark { try store.clearBacklog(role: role) } else { try store.setBacklog(role: role, after: to) }
                    return false
                }
                if done { break }
            }
        }
    }

    private func record(_ outcome: FactJudge.Outcome, session: Session, progress: inout Progress) throws {
        progress.judgedEvents += outcome.judgedEvents
        progress.historyEvents += outcome.historyEvents
        let findings = FindingStore(session: session)
        var groups: [[FindingStore.Sighting]] = []
        var index: [String: Int] = [:]
        for novelty in outcome.novelties {
            var sighting = novelty.sighting
            sighting.evidence = [.events(novelty.evidence)]
            let key = "\(sighting.role)\u{0}\(sighting.kind.rawValue)\u{0}\(sighting.subject)"
            if let i = index[key] { groups[i].append(sighting) } else {
                index[key] = groups.count
                groups.append([sighting])
            }
        }
        for group in groups { progress.count(try findings.record(group)) }
        for failures in outcome.authentication {
            if let group = try authenticationBurst(failures, session: session) { progress.count(try findings.record(group)) }
        }
    }

    /// The sightings of an authentication burst, when the chunk's failures from one source take
    /// part in one: failures stored earlier (or later) within the window count too.
    private func authenticationBurst(_ failures: FactJudge.AuthenticationFailures, session: Session) throws -> [FindingStore.Sighting]? {
        let hosts = failures.perHost
        guard let first = hosts.values.map(\.first).min(), let last = hosts.values.map(\.last).max() else { return nil }
        let window = authenticationBurst.windowMicroseconds
        let times = try DetectorStore(session: session).failedAuthenticationTimes(
            role: failures.role, source: failures.source,
            from: PostgresTimestamp(microsecondsSinceEpoch: first.microsecondsSinceEpoch - window),
            to: PostgresTimestamp(microsecondsSinceEpoch: last.microsecondsSinceEpoch + window))
        guard authenticationBurst.containsBurst(times) else { return nil }
        let role = failures.role ?? ""
        let roleHosts = try DetectorStore(session: session).roleSizes()[role] ?? 0
        return hosts.sorted { $0.key < $1.key }.map { host, seen in
            var sighting = FindingStore.Sighting(
                role: role, kind: .authFailures, subject: failures.source, hostID: host, eventCount: seen.count,
                firstSeen: seen.first, lastSeen: seen.last,
                severity: Severity(Severity.Context(kind: .authFailures, hosts: 1, roleHosts: roleHosts)), roleHosts: roleHosts,
                facts: #"{"threshold":\#(authenticationBurst.threshold),"window_seconds":\#(window / 1_000_000)}"#)
            sighting.evidence = [.events(Array(Set(seen.seqs)).sorted())]
            return sighting
        }
    }
}
