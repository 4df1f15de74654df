import Foundation
import Storage

/// How `herdwatch report connections` prints a ``ConnectionReportQuery/Report``: a headline, then
/// a table, or one JSON array for scripts.
public enum ConnectionReportText {
    /// "3 unique destinations from 2 hosts in the last 1h"
    /// - Parameter period: "in the last 1h" or "from … to …", as the command was asked.
    public static func headline(_ report: ConnectionReportQuery.Report, period: String) -> String {
        let n = report.destinations.count
        let m = report.hostCount
        return "\(n) unique destination\(n == 1 ? "" : "s") from \(m) host\(m == 1 ? "" : "s") \(period)"
    }

    public static func table(_ report: ConnectionReportQuery.Report) -> String {
        var table = TextTable(["DESTINATION", "HOSTS", "CONNECTIONS", "FIRST SEEN", "LAST SEEN", "PROCESSES", "USERS", "HOST NAMES"])
        for d in report.destinations {
            table.append([
                destination(d), String(d.hostCount), String(d.connections), d.firstSeen.description, d.lastSeen.description,
                d.processes.joined(separator: ", "), d.users.map(\.label).joined(separator: ", "), abbreviated(d.hosts),
            ])
        }
        return table.render()
    }

    /// One JSON array, `[]` when empty; one object per destination:
    /// `{"address","port","host_count","connections","first_seen","last_seen","hosts":[…],
    /// "processes":[…],"users":[{"uid","uid_name","auid","auid_name"}]}` (absent values null).
    public static func json(_ report: ConnectionReportQuery.Report) -> String {
        struct UserJSON: Encodable {
            var uid: Int64?
            var uid_name: String?
            var auid: Int64?
            var auid_name: String?
            func encode(to encoder: any Encoder) throws {
                enum Key: String, CodingKey { case uid, uid_name, auid, auid_name }
                var c = encoder.container(keyedBy: Key.self)
                try c.encode(uid, forKey: .uid)
                try c.encode(uid_name, forKey: .uid_name)
                try c.encode(auid, forKey: .auid)
                try c.encode(auid_name, forKey: .auid_name)
            }
        }
        struct DestinationJSON: Encodable {
            var address: String
            var port: Int?
            var host_count: Int
            var connections: Int64
            var first_seen: String
            var last_seen: String
            var hosts: [String]
            var processes: [String]
            var users: [UserJSON]
        }
        let items = report.destinations.map { d in
            DestinationJSON(
                address: d.address, port: d.port, host_count: d.hostCount, connections: d.connections,
                first_seen: d.firstSeen.description, last_seen: d.lastSeen.description, hosts: d.hosts, processes: d.processes,
                users: d.users.map { UserJSON(uid: $0.uid, uid_name: $0.uidName, auid: $0.auid, auid_name: $0.auidName) })
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(items), as: UTF8.self)  // plain values: cannot fail
    }

    /// `203.0.113.66:1337`, `[2001:db8::1]:443`.
    static func destination(_ d: ConnectionReportQuery.Destination) -> String {
        let address = d.address.contains(":") ? "[\(d.address)]" : d.address
        return d.port.map { "\(address):\($0)" } ?? address
    }

    static func abbreviated(_ hosts: [String]) -> String {
        hosts.count <= 3 ? hosts.joined(separator: ", ") : hosts.prefix(3).joined(separator: ", ") + " +\(hosts.count - 3)"
    }
}
