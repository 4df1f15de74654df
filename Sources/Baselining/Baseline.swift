/// One role's baseline: every term considered in a window, admitted or held back, with its
/// prevalence. Versions of it are stored by Storage and written to files by ``BaselineFile``.
public struct Baseline: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        /// Part of the baseline: detection accepts it.
        case admitted
        /// Seen, but on too few peers (or days): listed for review, not accepted.
        case heldBack = "held_back"
    }

    /// Why a term is in the baseline.
    public enum Origin: String, Sendable, Hashable {
        /// Seen in the window.
        case observed
        /// A prefix learned by ``DestinationGeneralization``.
        case prefix
        /// Accepted in triage; kept whatever the window shows.
        case accepted
        /// Loaded from a reviewed file.
        case imported
    }

    public struct Entry: Sendable, Hashable {
        public var term: Term
        public var status: Status
        public var origin: Origin
        /// Nil for an accepted term not seen in the window.
        public var prevalence: Prevalence?

        public init(term: Term, status: Status, origin: Origin, prevalence: Prevalence?) {
            self.term = term
            self.status = status
            self.origin = origin
            self.prevalence = prevalence
        }
    }

    public var role: String
    /// Window in UTC days since 1970-01-01: `[firstDay, endDay)`.
    public var firstDay: Int
    public var endDay: Int
    /// Hosts of the role that reported in the window.
    public var roleHosts: Int
    /// Sorted by term.
    public var entries: [Entry]

    public init(role: String, firstDay: Int, endDay: Int, roleHosts: Int, entries: [Entry]) {
        self.role = role
        self.firstDay = firstDay
        self.endDay = endDay
        self.roleHosts = roleHosts
        self.entries = entries.sorted { $0.term < $1.term }
    }

    public var admitted: [Term] { entries.filter { $0.status == .admitted }.map(\.term) }
    public var heldBack: [Term] { entries.filter { $0.status == .heldBack }.map(\.term) }

    /// A digest of the admitted terms: two baselines that accept the same terms have the same
    /// digest, whatever their prevalence or window, so retraining that changes nothing makes no
    /// new version. FNV-1a 64 over the sorted `kind value` lines; not a security boundary.
    public var termDigest: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for term in admitted {
            for byte in term.kind.rawValue.utf8 + [0x20] + term.value.utf8 + [0x0a] {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Terms admitted here and not in `older`, and admitted in `older` and not here.
    public func changes(against older: Baseline?) -> (added: [Term], dropped: [Term]) {
        let mine = Set(admitted)
        let theirs = Set(older?.admitted ?? [])
        return (mine.subtracting(theirs).sorted(), theirs.subtracting(mine).sorted())
    }
}
