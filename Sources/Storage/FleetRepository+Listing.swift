import FleetModel
import LibPQ

extension FleetRepository {
    /// A host as `hosts list` shows it.
    public struct HostSummary: Sendable, Equatable {
        public let name: String
        /// The host's role; nil when unassigned or in conflict.
        public let role: String?
        /// Every role whose patterns match; more than one is a conflict.
        public let matchingRoles: [String]
        public let registered: Bool
        public let firstSeen: PostgresTimestamp?
        public let lastSeen: PostgresTimestamp?
        /// From the latest heartbeat, when the host runs an agent.
        public let agentVersion: String?
        public let lastHeartbeat: PostgresTimestamp?
        public let kernelLost: Int64?
        public let spoolBytes: Int64?

        public var isConflict: Bool { matchingRoles.count > 1 }
    }

    /// A role as `roles list` shows it.
    public struct RoleSummary: Sendable, Equatable {
        public let name: String
        public let patterns: [String]
        public let hosts: Int
        /// Hosts that match this role and another one.
        public let conflictingHosts: Int
    }

    public func hosts(role: String? = nil) throws -> [HostSummary] {
        try session.query(
            """
            SELECT name, role, role_candidates, registered, first_seen, last_seen,
                   agent_version, last_heartbeat, kernel_lost, spool_bytes
            FROM herdwatch.hosts
            WHERE $1::text IS NULL OR role = $1 OR $1 = ANY (role_candidates)
            ORDER BY name
            """, [role.map(SQLParameter.text) ?? .null]
        ).rows.map { row in
            HostSummary(
                name: try row.decode(String.self, at: 0),
                role: try row.decode(String?.self, at: 1),
                matchingRoles: try row.decode([String?].self, at: 2).compactMap { $0 },
                registered: try row.decode(Bool.self, at: 3),
                firstSeen: try row.decode(PostgresTimestamp?.self, at: 4),
                lastSeen: try row.decode(PostgresTimestamp?.self, at: 5),
                agentVersion: try row.decode(String?.self, at: 6),
                lastHeartbeat: try row.decode(PostgresTimestamp?.self, at: 7),
                kernelLost: try row.decode(Int64?.self, at: 8),
                spoolBytes: try row.decode(Int64?.self, at: 9))
        }
    }

    public func roles() throws -> [RoleSummary] {
        try session.query(
            """
            SELECT r.name,
                   coalesce((SELECT array_agg(p.pattern ORDER BY p.pattern) FROM herdwatch.role_patterns p WHERE p.role = r.name), '{}'),
                   (SELECT count(*) FROM herdwatch.hosts h WHERE h.role = r.name),
                   (SELECT count(*) FROM herdwatch.hosts h WHERE cardinality(h.role_candidates) > 1 AND r.name = ANY (h.role_candidates))
            FROM herdwatch.roles r
            ORDER BY r.name
            """
        ).rows.map { row in
            RoleSummary(
                name: try row.decode(String.self, at: 0),
                patterns: try row.decode([String?].self, at: 1).compactMap { $0 },
                hosts: try row.decode(Int.self, at: 2),
                conflictingHosts: try row.decode(Int.self, at: 3))
        }
    }
}
