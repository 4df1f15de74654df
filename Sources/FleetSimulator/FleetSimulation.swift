import CivilTime
import FleetModel
import Foundation

/// One simulated host.
public struct SimulatedHost: Sendable, Equatable {
    /// `web-01`: the role name, a dash, and a two-digit number.
    public let name: String
    public let role: RoleName
    /// Position in the fleet, which seeds the host's own random stream.
    let index: Int
    /// The host's internal IPv4 address (10.R.x.y), which peers connect to.
    let address: UInt32
    /// Whether this host's auditd writes `log_format = ENRICHED`.
    public let enriched: Bool
    let device: String
}

/// A deterministic simulated fleet: hosts, their audit logs, and the ground truth of the attacks
/// injected into them.
///
/// Generation is pure: the caller supplies the end of the window and a seed, and receives bytes.
/// Each host's log is produced a day at a time and handed over in chunks, so a fleet is never held
/// in memory.
///
/// ```swift
/// let layout = try FleetLayout(parsing: "web:8,db:4,worker:6")
/// let fleet = try FleetSimulation(SimulationConfiguration(
///     layout: layout, days: 7, end: Date(), attacks: true, format: .raw, seed: 42))
/// for host in fleet.hosts {
///     try fleet.writeLog(of: host) { chunk in try handle.write(contentsOf: chunk) }
/// }
/// ```
///
/// ## Attack set (`attacks: true`)
/// On the last day (`[end − 24 h, end)`), each on its own host where the fleet is large enough,
/// preferring the role named in brackets:
/// 1. A binary run from /tmp that calls out and listens [web]: operator account `alice` runs
///    `/tmp/.x/kworkerd`, which connects to 203.0.113.66:1337 and listens on 4444/tcp.
/// 2. A network daemon spawning a shell [web]: a worker of the role's main daemon (nginx,
///    postgres, celery…) runs `sh -c 'echo $((7*7))'`.
/// 3. A known binary contacting a new address [db]: the main daemon connects to 198.51.100.23:443.
/// 4. Audit tampering [worker]: `bob` runs `sudo auditctl -D` (rules removed), then disables audit
///    (`audit_enabled=0`); the host then goes silent, since the kernel sends nothing more.
/// 5. A burst of failed logins [db]: 30 failed ssh passwords from 45.155.205.233 in three minutes.
/// 6. A login from a new account and network [worker]: `deploy` from 185.220.101.47.
/// 7. A host going silent: its log stops 5 to 7 hours before the end.
/// 8. A host misbehaving during the training days too, when a role has at least three hosts
///    [worker]: `/var/tmp/.cache/kthreadd`, started by systemd at boot and restarted daily,
///    connects to 198.51.100.77:3333 every two hours (a baseline-poisoning test).
public struct FleetSimulation: Sendable {
    public let configuration: SimulationConfiguration
    public let hosts: [SimulatedHost]
    /// Sorted by time, then host.
    public let groundTruth: [GroundTruthEntry]
    let actions: [[AttackAction]]
    let context: FleetContext

    /// Up to this many days can be simulated in one run.
    public static let maximumDays = 366

    /// - Throws: `SimulationError` when `days` is outside 1…366.
    public init(_ configuration: SimulationConfiguration) throws(SimulationError) {
        guard (1...Self.maximumDays).contains(configuration.days) else {
            throw SimulationError("--days must be from 1 to \(Self.maximumDays), got \(configuration.days)")
        }
        self.configuration = configuration
        var hosts: [SimulatedHost] = []
        var roleAddresses: [String: [UInt32]] = [:]
        let roleIndex = Dictionary(uniqueKeysWithValues: configuration.layout.roles.enumerated().map { ($1.role, $0) })
        for (index, entry) in configuration.layout.hostNames.enumerated() {
            var rng = SplitMix64(seed: configuration.seed, stream: 5, UInt64(index))
            let r = UInt32(roleIndex[entry.role]! + 1)
            let address = 10 << 24 | r << 16 | UInt32(entry.indexInRole / 200) << 8 | UInt32(10 + entry.indexInRole % 200)
            let enriched: Bool
            switch configuration.format {
            case .raw: enriched = false
            case .enriched: enriched = true
            case .mixed: enriched = rng.chance(0.5)
            }
            hosts.append(SimulatedHost(
                name: entry.name, role: entry.role, index: index, address: address, enriched: enriched,
                device: rng.pick(["fe:01", "fe:00", "08:01", "103:02"])))
            roleAddresses[entry.role.rawValue, default: []].append(address)
        }
        self.hosts = hosts
        self.context = FleetContext(
            seed: configuration.seed, start: configuration.startMilliseconds, end: configuration.endMilliseconds,
            roleAddresses: roleAddresses)
        if configuration.attacks {
            (actions, groundTruth) = Self.planAttacks(hosts: hosts, context: context)
        } else {
            actions = Array(repeating: [], count: hosts.count)
            groundTruth = []
        }
    }

    /// Generates `host`'s audit log and hands it to `flush` in chunks of about `flushThreshold`
    /// bytes, in order. Lines end in `\n`; the file is sorted by time except for the records of a
    /// few concurrent events, which are interleaved.
    public func writeLog(of host: SimulatedHost, flushThreshold: Int = 1 << 20, _ flush: ([UInt8]) throws -> Void) rethrows {
        var generator = HostGenerator(host: host, context: context, actions: actions[host.index])
        try generator.run(flushThreshold: flushThreshold, flush: flush)
    }

    /// `roles.txt`: `role pattern` per line.
    public var rolesFileText: String { configuration.layout.rolesFileText }

    /// `ground-truth.json`: an array of `{"host","time","kind","subject","description"}`, one
    /// object per line, `time` in RFC 3339 UTC with milliseconds.
    public var groundTruthJSON: String {
        guard !groundTruth.isEmpty else { return "[]\n" }
        let lines = groundTruth.map { entry in
            "  {\"host\": \(Self.json(entry.host)), \"time\": \(Self.json(Self.rfc3339(entry.timeMilliseconds))), \"kind\": \(Self.json(entry.kind.rawValue)), \"subject\": \(Self.json(entry.subject)), \"description\": \(Self.json(entry.description))}"
        }
        return "[\n" + lines.joined(separator: ",\n") + "\n]\n"
    }

    static func json(_ text: String) -> String { JSONString.quoted(text) }

    /// `2026-01-31T12:00:00.250Z` for milliseconds since the epoch.
    static func rfc3339(_ milliseconds: Int64) -> String {
        RFC3339.string(milliseconds: milliseconds)
    }
}
