import Baselining
import LibPQ

/// Baseline versions, their terms, accepted terms, and the observations learning reads.
///
/// Versions have global ids and belong to one role; at most one per role is active (what the
/// detector judges against). Versions are never changed after they are written.
public struct BaselineRepository {
    let session: Session

    public init(session: Session) {
        self.session = session
    }

    /// A stored version without its terms.
    public struct Version: Sendable, Hashable {
        public var id: Int64
        public var role: String
        public var firstDay: Int
        public var endDay: Int
        public var roleHosts: Int
        public var source: String
        public var termDigest: String
        public var active: Bool
        public var createdAt: String
        public var admitted: Int
        public var heldBack: Int
    }

    /// Roles that have hosts or observations, sorted.
    public func roles() throws -> [String] {
        try session.query(
            """
            SELECT name FROM herdwatch.roles r
            WHERE EXISTS (SELECT 1 FROM herdwatch.hosts h WHERE h.role = r.name)
               OR EXISTS (SELECT 1 FROM herdwatch.observations o WHERE o.role = r.name)
            ORDER BY name
            """
        ).rows.map { try $0.decode(String.self, at: 0) }
    }

    /// Host names by id.
    public func hostNames() throws -> [Int64: String] {
        var names: [Int64: String] = [:]
        for row in try session.query("SELECT id, name FROM herdwatch.hosts").rows {
            names[try row.decode(Int64.self, at: 0)] = try row.decode(String.self, at: 1)
        }
        return names
    }

    /// Per term and host, the days (since 1970-01-01) seen in `[firstDay, endDay)` and the count.
    public func observations(role: String, firstDay: Int, endDay: Int) throws -> [TermObservation] {
        let rows = try session.query(
            """
            SELECT kind, term, host_id, string_agg((day - DATE '1970-01-01')::text, ',') AS days, sum(count)::bigint
            FROM herdwatch.observations
            WHERE role = $1 AND day >= DATE '1970-01-01' + $2::integer AND day < DATE '1970-01-01' + $3::integer
            GROUP BY kind, term, host_id
            """, [.text(role), .int32(Int32(firstDay)), .int32(Int32(endDay))]
        ).rows
        return try rows.compactMap { row in
            guard let kind = TermKind(rawValue: try row.decode(String.self, at: 0)) else { return nil }
            let days = Set(try row.decode(String.self, at: 3).split(separator: ",").compactMap { Int($0) })
            return TermObservation(
                term: Term(kind, try row.decode(String.self, at: 1)), hostID: try row.decode(Int64.self, at: 2),
                days: days, count: try row.decode(Int64.self, at: 4))
        }
    }

    /// Terms accepted in triage for the whole role (host-scoped acceptances are the detector's).
    public func acceptedTerms(role: String) throws -> Set<Term> {
        let rows = try session.query(
            "SELECT kind, term FROM herdwatch.accepted_terms WHERE role = $1 AND host_id IS NULL", [.text(role)]).rows
        return Set(try rows.compactMap { row -> Term? in
            guard let kind = TermKind(rawValue: try row.decode(String.self, at: 0)) else { return nil }
            return Term(kind, try row.decode(String.self, at: 1))
        })
    }

    /// Terms accepted in triage for single hosts of `role`, with the hosts' names.
    public func hostExceptions(role: String) throws -> [BaselineFile.HostException] {
        try session.query(
            """
            SELECT h.name, a.kind, a.term FROM herdwatch.accepted_terms a JOIN herdwatch.hosts h ON h.id = a.host_id
            WHERE a.role = $1 ORDER BY h.name, a.kind, a.term
            """, [.text(role)]
        ).rows.compactMap { row in
            guard let kind = TermKind(rawValue: try row.decode(String.self, at: 1)) else { return nil }
            return BaselineFile.HostException(host: try row.decode(String.self, at: 0), term: Term(kind, try row.decode(String.self, at: 2)))
        }
    }

    /// Records a term accepted in triage (for the role, or for one host).
    public func accept(_ term: Term, role: String, hostID: Int64? = nil, note: String? = nil) throws {
        try session.query(
            """
            INSERT INTO herdwatch.accepted_terms (role, kind, term, host_id, note) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT ON CONSTRAINT accepted_terms_key DO NOTHING
            """,
            [.text(role), .text(term.kind.rawValue), .text(term.value), hostID.map(SQLParameter.int64) ?? .null, .optional(note)])
    }

    /// Stores `baseline` as a new version and returns its id.
    /// - Parameter observedThroughSeq: the observations watermark the baseline was learned at
    ///   (events up to it in the window are history to the detector); nil for imported files.
    public func insert(_ baseline: Baseline, source: String, parameters: String = "{}", observedThroughSeq: Int64? = nil) throws -> Int64 {
        try session.transaction {
            try session.query("INSERT INTO herdwatch.roles (name) VALUES ($1) ON CONFLICT DO NOTHING", [.text(baseline.role)])
            let id = try session.query(
                """
                INSERT INTO herdwatch.baselines (role, first_day, end_day, role_hosts, source, term_digest, parameters, observed_through_seq)
                VALUES ($1, DATE '1970-01-01' + $2::integer, DATE '1970-01-01' + $3::integer, $4, $5, $6, $7, $8)
                RETURNING id
                """,
                [.text(baseline.role), .int32(Int32(baseline.firstDay)), .int32(Int32(baseline.endDay)),
                 .int(baseline.roleHosts), .text(source), .text(baseline.termDigest), .jsonb(parameters),
                 observedThroughSeq.map(SQLParameter.int64) ?? .null]
            ).first!.decode(Int64.self, at: 0)
            try session.copyFrom(
                "COPY herdwatch.baseline_terms (baseline_id, kind, term, status, origin, hosts, role_hosts, days, window_days, count) FROM STDIN"
            ) { writer in
                for e in baseline.entries {
                    let p = e.prevalence
                    try writer.appendRow([
                        String(id), e.term.kind.rawValue, e.term.value, e.status.rawValue, e.origin.rawValue,
                        p.map { String($0.hosts) }, p.map { String($0.roleHosts) }, p.map { String($0.days) },
                        p.map { String($0.windowDays) }, p.map { String($0.count) },
                    ])
                }
            }
            return id
        }
    }

    /// Makes version `id` its role's active baseline. Returns false when there is no such version.
    @discardableResult
    public func activate(_ id: Int64) throws -> Bool {
        try session.transaction {
            guard let role = try session.query("SELECT role FROM herdwatch.baselines WHERE id = $1 FOR UPDATE", [.int64(id)])
                .first?.decode(String.self, at: 0) else { return false }
            try session.query("UPDATE herdwatch.baselines SET active = false WHERE role = $1 AND active AND id <> $2", [.text(role), .int64(id)])
            try session.query(
                "UPDATE herdwatch.baselines SET active = true, activated_at = now() WHERE id = $1 AND NOT active", [.int64(id)])
            return true
        }
    }

    /// Versions, newest first; of one role when given.
    public func versions(role: String? = nil) throws -> [Version] {
        try session.query(
            """
            SELECT b.id, b.role, b.first_day - DATE '1970-01-01', b.end_day - DATE '1970-01-01', b.role_hosts, b.source,
                   b.term_digest, b.active, to_char(b.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   count(*) FILTER (WHERE t.status = 'admitted'), count(*) FILTER (WHERE t.status = 'held_back')
            FROM herdwatch.baselines b LEFT JOIN herdwatch.baseline_terms t ON t.baseline_id = b.id
            WHERE $1::text IS NULL OR b.role = $1
            GROUP BY b.id ORDER BY b.id DESC
            """, [.optional(role)]
        ).rows.map { r in
            Version(
                id: try r.decode(Int64.self, at: 0), role: try r.decode(String.self, at: 1), firstDay: try r.decode(Int.self, at: 2),
                endDay: try r.decode(Int.self, at: 3), roleHosts: try r.decode(Int.self, at: 4), source: try r.decode(String.self, at: 5),
                termDigest: try r.decode(String.self, at: 6), active: try r.decode(Bool.self, at: 7),
                createdAt: try r.decode(String.self, at: 8), admitted: try r.decode(Int.self, at: 9), heldBack: try r.decode(Int.self, at: 10))
        }
    }

    /// The newest version of `role`, or its active one.
    public func latestVersion(role: String) throws -> Version? { try versions(role: role).first }
    public func activeVersion(role: String) throws -> Version? { try versions(role: role).first { $0.active } }

    /// A version with its terms, or nil.
    public func baseline(_ id: Int64) throws -> (version: Version, baseline: Baseline)? {
        guard let version = try session.query("SELECT role FROM herdwatch.baselines WHERE id = $1", [.int64(id)]).first
            .map({ try $0.decode(String.self, at: 0) })
            .flatMap({ role in try versions(role: role).first { $0.id == id } }) else { return nil }
        let rows = try session.query(
            "SELECT kind, term, status, origin, hosts, role_hosts, days, window_days, count FROM herdwatch.baseline_terms WHERE baseline_id = $1",
            [.int64(id)]
        ).rows
        let entries: [Baseline.Entry] = try rows.compactMap { r in
            guard let kind = TermKind(rawValue: try r.decode(String.self, at: 0)),
                  let status = Baseline.Status(rawValue: try r.decode(String.self, at: 2)),
                  let origin = Baseline.Origin(rawValue: try r.decode(String.self, at: 3)) else { return nil }
            var prevalence: Prevalence?
            if let hosts = try r.decode(Int?.self, at: 4) {
                prevalence = Prevalence(
                    hosts: hosts, roleHosts: try r.decode(Int?.self, at: 5) ?? 0, days: try r.decode(Int?.self, at: 6) ?? 0,
                    windowDays: try r.decode(Int?.self, at: 7) ?? 0, count: try r.decode(Int64?.self, at: 8) ?? 0)
            }
            return Baseline.Entry(term: Term(kind, try r.decode(String.self, at: 1)), status: status, origin: origin, prevalence: prevalence)
        }
        let baseline = Baseline(
            role: version.role, firstDay: version.firstDay, endDay: version.endDay, roleHosts: version.roleHosts, entries: entries)
        return (version, baseline)
    }
}
