import Synchronization

/// What the reader, the rules loader and the kernel status poll saw, shared with the heartbeat.
/// Tiny synchronous state, so a `Mutex` (STYLE.md §5), not an actor.
public final class AgentStatistics: Sendable {
    public struct Snapshot: Sendable, Hashable {
        public var records = 0
        public var events = 0
        public var malformed = 0
        /// Serial gaps the decoder counted (records the kernel or auditd lost before us).
        public var serialGaps = 0
        public var futureEvents: UInt64 = 0
        /// Batches the shipper's input refused because it was full.
        public var inputDroppedEvents: UInt64 = 0
        /// Netlink messages the reader's buffer dropped, and kernel ENOBUFS overruns.
        public var netlinkDropped = 0
        public var netlinkOverruns = 0
        /// When the agent last loaded audit rules itself, in seconds since the epoch.
        public var rulesReloadedAt: Int64?
        /// SHA-256 of the configuration file read last.
        public var configDigest = ""
        /// The host was refused by the database (bound to another login).
        public var hostRefused = false
    }

    private let state: Mutex<Snapshot>

    public init(configDigest: String = "") {
        var snapshot = Snapshot()
        snapshot.configDigest = configDigest
        state = Mutex(snapshot)
    }

    public var snapshot: Snapshot { state.withLock { $0 } }

    public func update(_ body: (inout Snapshot) -> Void) {
        state.withLock { body(&$0) }
    }
}
