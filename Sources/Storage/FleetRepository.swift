import FleetModel
import LibPQ

/// Hosts and the central assignment of hosts to roles.
///
/// Roles are resolved from hostname patterns whenever patterns or hosts change, for every host
/// at once, so a role applies to all of a host's events whether it was assigned before or
/// after they arrived. A host matching two roles' patterns is a conflict and has no role.
public struct FleetRepository {
    let session: Session

    public init(session: Session) {
        self.session = session
    }

    /// The outcome of `assign` or `unassign`.
    public struct AssignmentChange: Sendable, Equatable {
        /// Patterns that were added or removed.
        public var patternsChanged: [String]
        /// Patterns that needed no change (already present, or absent when removing).
        public var patternsUnchanged: [String]
        /// Hosts whose set of matching roles changed.
        public var hostsChanged: Int
    }

    /// Adds hostname patterns to `role`, creating the role if needed.
    public func assign(_ role: RoleName, patterns: [HostPattern]) throws -> AssignmentChange {
        try session.transaction {
            try session.query("INSERT INTO herdwatch.roles (name) VALUES ($1) ON CONFLICT DO NOTHING", [.text(role.rawValue)])
            var change = AssignmentChange(patternsChanged: [], patternsUnchanged: [], hostsChanged: 0)
            for pattern in patterns {
                let inserted = try session.query(
                    "INSERT INTO herdwatch.role_patterns (role, pattern, regex) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                    [.text(role.rawValue), .text(pattern.glob), .text(pattern.regularExpression)]
                ).affectedRows
                if inserted == 1 { change.patternsChanged.append(pattern.glob) } else { change.patternsUnchanged.append(pattern.glob) }
            }
            change.hostsChanged = try resolveRoles()
            return change
        }
    }

    /// Removes hostname patterns from `role`. The role itself stays, with its baselines.
    public func unassign(_ role: RoleName, patterns: [HostPattern]) throws -> AssignmentChange {
        try session.transaction {
            var change = AssignmentChange(patternsChanged: [], patternsUnchanged: [], hostsChanged: 0)
            for pattern in patterns {
                let deleted = try session.query(
                    "DELETE FROM herdwatch.role_patterns WHERE role = $1 AND pattern = $2",
                    [.text(role.rawValue), .text(pattern.glob)]
                ).affectedRows
                if deleted == 1 { change.patternsChanged.append(pattern.glob) } else { change.patternsUnchanged.append(pattern.glob) }
            }
            change.hostsChanged = try resolveRoles()
            return change
        }
    }

    /// Registers hosts the fleet expects, so a host that never reports is noticed.
    /// - Returns: the names that were not known before.
    public func register(hosts names: [String]) throws -> [String] {
        let normalized = try names.map { name throws(FleetModelError) in try HostName.normalized(name) }
        return try session.transaction {
            var added: [String] = []
            for name in normalized {
                let result = try session.query(
                    """
                    INSERT INTO herdwatch.hosts (name, registered) VALUES ($1, true)
                    ON CONFLICT (name) DO UPDATE SET registered = true
                    RETURNING (xmax = 0) AS inserted, id
                    """, [.text(name)])
                if let row = result.first, try row.decode(Bool.self, "inserted") {
                    added.append(name)
                    _ = try session.query("SELECT herdwatch.resolve_host_roles($1)", [.int64(try row.decode(Int64.self, "id"))])
                }
            }
            return added
        }
    }

    /// Recomputes every host's matching roles. Returns how many hosts changed.
    @discardableResult
    public func resolveRoles() throws -> Int {
        try session.query("SELECT herdwatch.resolve_host_roles()").first?.decode(Int.self, at: 0) ?? 0
    }
}
