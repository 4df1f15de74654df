import Foundation

/// One injected intrusion, as `ground-truth.json` lists it.
///
/// `subject` uses the term forms of DESIGN.md: exec `/tmp/.x/kworkerd`; lineage
/// `/usr/sbin/nginx -> /usr/bin/dash`; connect `203.0.113.66:1337/tcp`; listen
/// `4444/tcp /tmp/.x/kworkerd`; login `user@network` (the source's /24); host_silent the host name;
/// audit_tamper the CONFIG_CHANGE operation (`remove_rule`, `audit_enabled=0`); auth_failures the
/// source address.
public struct GroundTruthEntry: Equatable, Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case exec, lineage, connect, listen, login
        case auditTamper = "audit_tamper"
        case authFailures = "auth_failures"
        case hostSilent = "host_silent"
    }

    public let host: String
    /// Milliseconds since the epoch of the first record that shows the subject.
    public let timeMilliseconds: Int64
    public let kind: Kind
    public let subject: String
    public let description: String

    public var time: Date { Date(timeIntervalSince1970: Double(timeMilliseconds) / 1000) }
}

/// What `HostGenerator` injects on one host. Times are exact: the ground truth is computed from the
/// same values before any log is written.
enum AttackAction: Sendable {
    /// An operator account (alice, from the usual bastion) runs `/tmp/.x/kworkerd` at `at`; it
    /// connects to 203.0.113.66:1337 and listens on 4444.
    case dropper(at: Int64)
    /// A worker of the role's main network daemon runs `/bin/sh -c 'echo $((7*7))'` (a command
    /// injection probe): a shell under a network daemon.
    case daemonShell(at: Int64)
    /// A worker of the role's main daemon, a known binary, connects to 198.51.100.23:443.
    case daemonCallout(at: Int64)
    /// Operator bob runs `auditctl -D` (rules removed), then audit is disabled 20 s later; the
    /// kernel sends nothing afterwards, so the host also goes silent.
    case tamper(at: Int64)
    /// 30 failed ssh logins from 45.155.205.233 within about three minutes.
    case bruteForce(at: Int64)
    /// A successful ssh login as `deploy` from 185.220.101.47, an account and network the fleet
    /// never saw.
    case foreignLogin(at: Int64)
    /// The host's log stops at `at`.
    case silence(at: Int64)
    /// During the whole window (training days too): `/var/tmp/.cache/kthreadd` started by systemd
    /// at boot and restarted daily, connecting to 198.51.100.77:3333 every two hours.
    case preexistingMiner

    static let dropperPath = "/tmp/.x/kworkerd"
    static let minerPath = "/var/tmp/.cache/kthreadd"
    static let dropperServer = "203.0.113.66"
    static let calloutServer = "198.51.100.23"
    static let minerPool = "198.51.100.77"
    static let bruteForceSource = "45.155.205.233"
    static let foreignSource = "185.220.101.47"

    /// Offsets inside one attack, shared by the generator and the ground truth.
    static let dropperConnectDelay: Int64 = 1_500
    static let dropperBindDelay: Int64 = 2_000
    static let tamperDisableDelay: Int64 = 20_000
    static let tamperRemoveDelay: Int64 = 40
}

/// The miner's schedule, a pure function of the seed and the UTC day, so that the generator and
/// the ground truth agree.
enum MinerSchedule {
    static func restart(day: Int64, seed: UInt64) -> Int64 {
        var rng = SplitMix64(seed: seed, stream: 99, UInt64(day))
        return day * dayMilliseconds + 12 * hourMilliseconds + Int64(rng.below(30 * 60_000))
    }

    static func connects(day: Int64) -> [Int64] {
        (0..<12).map { day * dayMilliseconds + Int64($0) * 2 * hourMilliseconds + 7 * minuteMilliseconds }
    }
}
