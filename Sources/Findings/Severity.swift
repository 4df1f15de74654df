/// A finding's severity: a score from 0 to 100 and a label, from a documented formula
/// (docs/findings.md, "Severity"), so an analyst can tell why one finding outranks another.
///
/// score = base(kind) + rarity + context bonuses, clamped to 0…100, where
/// - rarity (baseline kinds and file kinds) = round(20 × (1 − hosts ÷ role hosts)): a term on one host of
///   eight adds 18, a fleet-wide deploy adds 0;
/// - +10 when the process ran as root (euid 0);
/// - +15 when a network-facing daemon (a process the role's baseline lists as listening) is the parent;
/// - +10 when the destination lies outside private, loopback and link-local ranges;
/// - +15 when the executable lives in a world-writable directory (/tmp, /var/tmp, /dev/shm).
public struct Severity: Sendable, Hashable, Comparable {
    public let score: Int

    public init(score: Int) {
        self.score = min(100, max(0, score))
    }

    public enum Label: String, Sendable, Hashable, CaseIterable {
        case low, medium, high, critical
    }

    public var label: Label {
        switch score {
        case ..<40: return .low
        case ..<70: return .medium
        case ..<90: return .high
        default: return .critical
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.score < rhs.score }

    /// What the formula looks at.
    public struct Context: Sendable, Hashable {
        public var kind: FindingKind
        public var hosts: Int
        public var roleHosts: Int
        public var root = false
        public var parentIsNetworkDaemon = false
        public var publicDestination = false
        public var writableLocation = false

        public init(kind: FindingKind, hosts: Int, roleHosts: Int) {
            self.kind = kind
            self.hosts = hosts
            self.roleHosts = roleHosts
        }

        /// Takes in what another sighting of the same finding showed: a bonus any sighting
        /// earned counts for the finding.
        public mutating func absorb(_ other: Context) {
            root = root || other.root
            parentIsNetworkDaemon = parentIsNetworkDaemon || other.parentIsNetworkDaemon
            publicDestination = publicDestination || other.publicDestination
            writableLocation = writableLocation || other.writableLocation
        }
    }

    public static func base(_ kind: FindingKind) -> Int {
        switch kind {
        case .exec: return 35
        case .lineage: return 40
        case .connect: return 35
        case .listen: return 40
        case .login: return 45
        case .fileChange: return 30
        case .fileDrift: return 35
        case .hostSilent: return 50
        case .auditTamper: return 80
        case .eventLoss: return 30
        case .authFailures: return 45
        }
    }

    public init(_ context: Context) {
        var score = Self.base(context.kind)
        if context.kind.isBaselineKind || context.kind == .fileChange || context.kind == .fileDrift, context.roleHosts > 0 {
            let share = Double(min(context.hosts, context.roleHosts)) / Double(context.roleHosts)
            score += Int((20 * (1 - share)).rounded())
        }
        if context.root { score += 10 }
        if context.parentIsNetworkDaemon { score += 15 }
        if context.publicDestination { score += 10 }
        if context.writableLocation { score += 15 }
        self.init(score: score)
    }

    /// Directories anyone may write to: a binary run from there was most likely dropped.
    public static func isWorldWritableLocation(_ path: String) -> Bool {
        ["/tmp/", "/var/tmp/", "/dev/shm/", "/run/shm/"].contains { path.hasPrefix($0) }
    }
}
