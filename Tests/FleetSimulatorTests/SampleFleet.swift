import FleetModel
import FleetSimulator
import Foundation

/// One fleet generated once and shared by the tests that only read it.
enum SampleFleet {
    static let end = Date(timeIntervalSince1970: 1_795_253_400.123)  // 2026-11-21T09:30:00.123Z
    static let days = 4

    static func configuration(
        roles: String = "web:3,db:3,worker:4", days: Int = SampleFleet.days, attacks: Bool = true,
        format: LogFormat = .raw, seed: UInt64 = 42
    ) throws -> SimulationConfiguration {
        SimulationConfiguration(layout: try FleetLayout(parsing: roles), days: days, end: end, attacks: attacks, format: format, seed: seed)
    }

    static func render(_ simulation: FleetSimulation, _ host: SimulatedHost) -> String {
        var bytes: [UInt8] = []
        simulation.writeLog(of: host, flushThreshold: 100_000) { bytes += $0 }
        return String(decoding: bytes, as: UTF8.self)
    }

    static let simulation = try! FleetSimulation(configuration())
    static let texts: [String: String] = Dictionary(uniqueKeysWithValues: simulation.hosts.map { ($0.name, render(simulation, $0)) })
    static let logs: [String: HostLog] = texts.mapValues { HostLog(text: $0) }

    static var endMilliseconds: Int64 { Int64((end.timeIntervalSince1970 * 1000).rounded(.down)) }
    static var startMilliseconds: Int64 { endMilliseconds - Int64(days) * 86_400_000 }
    static var lastDayStart: Int64 { endMilliseconds - 86_400_000 }

    static func hosts(of role: String) -> [SimulatedHost] {
        simulation.hosts.filter { $0.role.rawValue == role }
    }
}
