import LibPQ

/// The fleet's unique outgoing connections in a period, grouped by destination, with the
/// processes and users that made them: the go-audit post's question, "how many unique outgoing
/// TCP connections did your servers make in the last hour, and which processes and users made
/// them?".
///
/// Counts `connect` events with an IP destination that succeeded or are in progress
/// (non-blocking connects report `EINPROGRESS`, exit -115), less those the agent knows were UDP
/// (`socket.proto`, from the socket's `socket(2)` call; unknown counts as TCP). Aggregation happens in PostgreSQL over the
/// time range only, so daily partitions outside it are pruned and only the rows of the period
/// are read (with a role, through `events_by_host_time` for that role's hosts).
public struct ConnectionReportQuery {
    let session: Session

    public init(session: Session) {
        self.session = session
    }

    public struct Filter: Sendable {
        public var from: PostgresTimestamp
        public var until: PostgresTimestamp
        public var role: String?
        public var includeLoopback = false

        public init(from: PostgresTimestamp, until: PostgresTimestamp, role: String? = nil, includeLoopback: Bool = false) {
            self.from = from
            self.until = until
            self.role = role
            self.includeLoopback = includeLoopback
        }
    }

    /// One destination.
    public struct Destination: Sendable, Hashable {
        public var address: String
        public var port: Int?
        public var hostCount: Int
        public var connections: Int64
        public var firstSeen: PostgresTimestamp
        public var lastSeen: PostgresTimestamp
        /// Host names, sorted.
        public var hosts: [String]
        /// Executables, sorted.
        public var processes: [String]
        public var users: [User]
    }

    /// Who made a connection: the process's uid and the login (audit) uid, with names when the
    /// agent recorded them. `auid` is nil for daemons started outside any login.
    public struct User: Sendable, Hashable, Comparable {
        public var uid: Int64?
        public var uidName: String?
        public var auid: Int64?
        public var auidName: String?

        public static func < (a: User, b: User) -> Bool {
            (a.label, a.uid ?? -1) < (b.label, b.uid ?? -1)
        }

        /// `alice as root`, `root`, `uid 1001`.
        public var label: String {
            let account = uidName ?? uid.map { "uid \($0)" } ?? "unknown"
            guard auid != nil || auidName != nil, auid != uid else { return account }
            let login = auidName ?? auid.map { "auid \($0)" } ?? "unknown"
            return "\(login) as \(account)"
        }
    }

    public struct Report: Sendable {
        public var destinations: [Destination]
        /// Hosts that made at least one of the connections.
        public var hostCount: Int
    }

    /// Destinations seen on the fewest hosts first (the unusual ones), then by address and port.
    public func run(_ filter: Filter) throws -> Report {
        let parameters: [SQLParameter] = [
            .timestamp(filter.from), .timestamp(filter.until), .optional(filter.role), .bool(filter.includeLoopback),
        ]
        let destinations = try session.query(
            """
            WITH c AS (\(Self.connections))
            SELECT host(c.address), c.port, count(DISTINCT c.host_id), count(*), min(c.event_time), max(c.event_time),
                   array_agg(DISTINCT c.host_name ORDER BY c.host_name),
                   array_agg(DISTINCT c.exe ORDER BY c.exe) FILTER (WHERE c.exe IS NOT NULL)
            FROM c GROUP BY c.address, c.port
            ORDER BY 3, 4, c.address, c.port
            """, parameters)
        let users = try session.query(
            """
            WITH c AS (\(Self.connections))
            SELECT DISTINCT host(c.address), c.port, c.uid, c.uid_name, c.auid, c.auid_name FROM c
            """, parameters)
        var usersByDestination: [String: [User]] = [:]
        for row in users.rows {
            let key = "\(try row.decode(String.self, at: 0)) \(try row.decode(Int?.self, at: 1) ?? -1)"
            usersByDestination[key, default: []].append(User(
                uid: try row.decode(at: 2), uidName: try row.decode(at: 3), auid: try row.decode(at: 4),
                auidName: try row.decode(at: 5)))
        }
        let hostCount = try session.query(
            "WITH c AS (\(Self.connections)) SELECT count(DISTINCT c.host_id) FROM c", parameters
        ).first?.decode(Int.self, at: 0) ?? 0
        return Report(
            destinations: try destinations.rows.map { row in
                let address: String = try row.decode(at: 0)
                let port: Int? = try row.decode(at: 1)
                return Destination(
                    address: address, port: port, hostCount: try row.decode(at: 2), connections: try row.decode(at: 3),
                    firstSeen: try row.decode(at: 4), lastSeen: try row.decode(at: 5),
                    hosts: (try row.decode([String?].self, at: 6)).compactMap { $0 },
                    processes: (try row.decode([String?]?.self, at: 7) ?? []).compactMap { $0 },
                    users: Array(Set(usersByDestination["\(address) \(port ?? -1)"] ?? [])).sorted())
            },
            hostCount: hostCount)
    }

    /// The connections of the period: $1 from (inclusive), $2 until (exclusive), $3 role or
    /// NULL, $4 include loopback. Loopback is 127.0.0.0/8, ::1 and IPv4-mapped 127/8.
    static let connections = """
        SELECT e.host_id, h.name AS host_name, e.address, e.port, e.exe, e.event_time, e.uid, e.auid,
               e.detail -> 'user' ->> 'uid_name' AS uid_name, e.detail -> 'user' ->> 'auid_name' AS auid_name
        FROM herdwatch.events e
        JOIN herdwatch.hosts h ON h.id = e.host_id
        WHERE e.kind = 'connect' AND e.address IS NOT NULL
          AND e.event_time >= $1 AND e.event_time < $2
          AND e.detail -> 'socket' ->> 'proto' IS DISTINCT FROM 'udp'
          AND (e.success IS NOT false OR e.exit_code = -115)
          AND ($3::text IS NULL OR h.role = $3::text)
          AND ($4::boolean OR NOT (e.address <<= inet '127.0.0.0/8' OR e.address = inet '::1'
                                   OR e.address <<= inet '::ffff:127.0.0.0/104'))
        """
}
