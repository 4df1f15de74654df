import Baselining
import LibPQ
import Storage

/// Rolls stored events up into observations (role, kind, term, host, day), in ingest-sequence
/// chunks behind a watermark, and re-derives the observations of hosts whose role changed.
///
/// Each chunk is one transaction: lock the watermark, read the chunk's events grouped by their
/// raw facts in SQL, canonicalize those facts into terms here (a few thousand distinct facts per
/// chunk, each canonicalized once), merge with one set-based upsert, advance the watermark.
/// Running it again, or in two processes at once, is safe: the watermark lock serializes chunks.
///
/// ```swift
/// let progress = try ObservationRollup(canonicalization: try TermCanonicalization()).run(session)
/// ```
public struct ObservationRollup: Sendable {
    public var canonicalization: TermCanonicalization
    /// Events per chunk, by ingest sequence.
    public var chunkSize: Int64

    public init(canonicalization: TermCanonicalization, chunkSize: Int64 = 500_000) {
        self.canonicalization = canonicalization
        self.chunkSize = max(1, chunkSize)
    }

    public struct Progress: Sendable, Equatable {
        /// The watermark after the run.
        public var throughSeq: Int64 = 0
        public var chunks = 0
        /// Observation rows merged (before summing into existing rows).
        public var observations = 0
        public var rederivedHosts = 0

        public init() {}
    }

    /// Catches up with everything ingested so far.
    public func run(_ session: Session) throws -> Progress {
        let store = ObservationStore(session: session)
        var progress = Progress()
        // An ingest transaction open for longer than the wait: roll up to where it is safe.
        let horizon = try store.safeHorizon(wait: .seconds(30)) ?? (try store.watermark())
        var cache = TermCache(canonicalization: canonicalization)
        while true {
            let done: Bool = try session.transaction {
                let from = try store.lockWatermark()
                progress.throughSeq = from
                guard from < horizon else { return true }
                let to = min(horizon, from + chunkSize)
                let rows = cache.rows(for: try store.rawFacts(after: from, through: to))
                try store.merge(rows)
                try store.advanceWatermark(to: to)
                progress.throughSeq = to
                progress.chunks += 1
                progress.observations += rows.count
                return false
            }
            if done { break }
        }
        for (host, through) in try store.pendingRederives() {
            try session.transaction {
                _ = try store.lockWatermark()
                let rows = cache.rows(for: try store.rawFacts(host: host, through: through))
                try store.merge(rows)
                try store.finishRederive(host: host, through: through)
                progress.observations += rows.count
            }
            progress.rederivedHosts += 1
        }
        return progress
    }

    /// The terms of raw facts; pure. One exec fact gives an exec term and, with a known parent,
    /// a lineage term.
    public static func terms(of fact: ObservationStore.RawFact, _ canonicalization: TermCanonicalization) -> [Term] {
        var cache = TermCache(canonicalization: canonicalization)
        return cache.terms(of: fact)
    }
}

/// Canonicalized paths remembered for one run: a fleet repeats the same few thousand paths.
struct TermCache {
    let canonicalization: TermCanonicalization
    private var paths: [String: String] = [:]

    init(canonicalization: TermCanonicalization) {
        self.canonicalization = canonicalization
    }

    mutating func path(_ raw: String) -> String {
        if let known = paths[raw] { return known }
        let canonical = canonicalization.path(raw)
        if paths.count < 1 << 20 { paths[raw] = canonical }
        return canonical
    }

    mutating func terms(of fact: ObservationStore.RawFact) -> [Term] {
        terms(kind: fact.kind, exe: fact.exe, parentExe: fact.parentExe, address: fact.address, port: fact.port,
              socketPath: fact.socketPath, proto: fact.proto, account: fact.account)
    }

    /// The terms of one event's raw facts: the same for learning (the rollup) and detection.
    ///
    /// `proto` is the agent's `socket.proto`: connect and listen terms end in `/udp` only when
    /// it says `udp`, and in `/tcp` otherwise. Unknown stays `/tcp` because that is what every
    /// term was before agents reported the transport, so existing baselines keep matching; and
    /// any other text a host sends cannot make a term of its own.
    mutating func terms(
        kind: String, exe rawExe: String?, parentExe: String?, address: String?, port: Int?, socketPath: String?,
        proto rawProto: String?, account: String?
    ) -> [Term] {
        let exe = rawExe.map { path($0) }
        let proto = rawProto == "udp" ? "udp" : "tcp"
        switch kind {
        case "exec":
            guard let exe else { return [] }
            var out = [Term(.exec, exe)]
            if let parent = parentExe { out.append(Term(.lineage, "\(path(parent)) -> \(exe)")) }
            return out
        case "connect":
            if let address {
                // Paths are already canonical: pass them through the cache-free builder unchanged.
                var term = canonicalization.connect(address: address, port: port, proto: proto, exe: nil)
                if let exe { term.value += " " + exe }
                return [term]
            }
            if let socketPath {
                return [Term(.connect, "unix:\(path(socketPath))" + (exe.map { " " + $0 } ?? ""))]
            }
            return []
        case "listen":
            guard let port else { return [] }
            return [Term(.listen, "\(port)/\(proto)" + (exe.map { " " + $0 } ?? ""))]
        case "login":
            guard let account else { return [] }
            return [canonicalization.login(user: account, source: address)]
        default:
            return []
        }
    }

    mutating func rows(for facts: [ObservationStore.RawFact]) -> [ObservationStore.Row] {
        var rows: [ObservationStore.Row] = []
        rows.reserveCapacity(facts.count)
        for fact in facts {
            for term in terms(of: fact) {
                rows.append(ObservationStore.Row(
                    role: fact.role, kind: term.kind.rawValue, term: term.value, hostID: fact.hostID, day: fact.day,
                    count: fact.count, firstSeen: fact.firstSeen, lastSeen: fact.lastSeen))
            }
        }
        return rows
    }
}
