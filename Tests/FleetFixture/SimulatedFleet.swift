import FleetModel
import FleetSimulator
import Foundation
import LibPQ
import ServerRuntime
import Storage
import Synchronization

/// Simulated fleets loaded through the ingest path, with roles assigned from the simulation's
/// roles file. Logs are generated once per layout and kept for the test process.
public enum SimulatedFleet {
    /// Midnight UTC, so simulated days are whole UTC days.
    public static let end = Date(timeIntervalSince1970: 1_795_219_200)  // 2026-11-21T00:00:00Z
    public static let endDay = 20_778

    private static let cache = Mutex<[String: [(String, [UInt8])]]>([:])

    public static func logs(
        _ roles: String, days: Int, attacks: Bool, format: LogFormat = .raw
    ) throws -> [(host: String, log: [UInt8])] {
        let key = "\(roles)/\(days)/\(attacks)/\(format)"
        if let hit = cache.withLock({ $0[key] }) { return hit.map { ($0.0, $0.1) } }
        let simulation = try simulation(roles, days: days, attacks: attacks, format: format)
        var out: [(String, [UInt8])] = []
        for host in simulation.hosts {
            var bytes: [UInt8] = []
            simulation.writeLog(of: host) { bytes += $0 }
            out.append((host.name, bytes))
        }
        cache.withLock { $0[key] = out }
        return out.map { ($0.0, $0.1) }
    }

    /// The simulation the logs come from (its hosts and its attacks' ground truth).
    public static func simulation(
        _ roles: String, days: Int, attacks: Bool, format: LogFormat = .raw
    ) throws -> FleetSimulation {
        try FleetSimulation(SimulationConfiguration(
            layout: try FleetLayout(parsing: roles), days: days, end: end, attacks: attacks, format: format, seed: 7))
    }

    /// Loads the fleet and assigns each role its `role-*` hosts.
    /// - Parameter format: `.enriched` logs carry user names (`AUID="alice"`), so login terms read
    ///   `alice@…` rather than `auid:1100@…`.
    public static func load(
        _ roles: String, days: Int, attacks: Bool = false, format: LogFormat = .raw, into session: Session
    ) throws {
        for (host, log) in try logs(roles, days: days, attacks: attacks, format: format) {
            var loader = AuditLogLoader(hostname: host)
            try loader.bytesReceived(log, session: session)
            _ = try loader.finish(session: session)
        }
        let fleet = FleetRepository(session: session)
        for part in roles.split(separator: ",") {
            let role = String(part.split(separator: ":")[0])
            _ = try fleet.assign(try RoleName(role), patterns: [try HostPattern("\(role)-*")])
        }
    }
}
