import FleetModel

/// Which roles a simulated fleet has and how many hosts each, e.g. `web:8,db:4,worker:6`.
///
/// Hosts are named `<role>-NN` (two digits, more when a role has 100 hosts or more), numbered from 01
/// in the order the roles were given.
public struct FleetLayout: Equatable, Sendable {
    public struct RoleCount: Equatable, Sendable {
        public let role: RoleName
        public let count: Int
    }

    public let roles: [RoleCount]

    /// Upper bound on one role's host count, to keep a typo from writing a million files.
    public static let maximumHostsPerRole = 999

    /// Parses `role:count[,role:count…]`.
    /// - Throws: `SimulationError` for an empty list, a missing or non-numeric count, a count
    ///   outside 1…999, an invalid role name (`Web` is rejected: role names are lower case), or a
    ///   role given twice.
    public init(parsing text: String) throws(SimulationError) {
        var roles: [RoleCount] = []
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
        guard !text.isEmpty else {
            throw SimulationError("--roles is empty: give role:count pairs such as web:8,db:4")
        }
        for item in items {
            let parts = item.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw SimulationError("--roles item \(String(reflecting: String(item))) is not role:count (e.g. web:8)")
            }
            let name = String(parts[0])
            let role: RoleName
            do {
                role = try RoleName(name)
            } catch {
                throw SimulationError("--roles: \(error.description)")
            }
            guard let count = Int(parts[1]), (1...Self.maximumHostsPerRole).contains(count) else {
                throw SimulationError(
                    "--roles item \(String(reflecting: String(item))): the count must be a whole number from 1 to \(Self.maximumHostsPerRole)"
                )
            }
            guard !roles.contains(where: { $0.role == role }) else {
                throw SimulationError("--roles names role \(String(reflecting: name)) twice")
            }
            roles.append(RoleCount(role: role, count: count))
        }
        self.roles = roles
    }

    /// Host names in order, with their roles.
    var hostNames: [(name: String, role: RoleName, indexInRole: Int)] {
        var result: [(String, RoleName, Int)] = []
        for entry in roles {
            let width = max(2, String(entry.count).count)
            for index in 0..<entry.count {
                var number = String(index + 1)
                while number.count < width { number = "0" + number }
                result.append(("\(entry.role.rawValue)-\(number)", entry.role, index))
            }
        }
        return result
    }

    /// `roles.txt`: one `role pattern` per line, ready for `herdwatch roles assign`.
    public var rolesFileText: String {
        roles.map { "\($0.role.rawValue) \($0.role.rawValue)-*\n" }.joined()
    }
}
