import Findings
import LibPQ
import Storage
import FleetModel

/// Judges the agents' file-integrity events: keeps each host's current inventory
/// (`herdwatch.file_inventory`) and raises `file_change` and `file_drift` findings through
/// ``FindingStore``. The detector calls ``run(_:)`` once per pass; it works through the fim
/// events stored since its own watermark (`herdwatch.file_integrity_watermark`), one
/// transaction per batch, so a failed pass leaves nothing half-judged.
///
/// - file_change: one finding per (role, subject), the subject naming the path and the new
///   content (``FileFindingSubject``), so the same change on every host of a role is one
///   finding holding every host (a deploy) and a change on one host alone is its own.
///   Inventory lines (a root's first scan) raise nothing.
/// - file_drift: for every (role, path) a batch touched, the content most of the role's
///   holders hold against the hosts that differ (``ContentConsensus``); no golden host.
///
/// ```swift
/// let progress = try FileIntegrityJudge().run(session)
/// ```
public struct FileIntegrityJudge: Sendable {
    /// What a pass did.
    public struct Progress: Sendable, Hashable {
        /// The watermark after the pass.
        public var throughSeq: Int64 = 0
        public var batches = 0
        public var inventoryWritten = 0
        public var inventoryRemoved = 0
        /// Change events judged (each one host's sighting of a file_change finding).
        public var changes = 0
        /// Hosts recorded as differing in file_drift findings.
        public var driftSightings = 0
        public var findingsCreated = 0
        public var alerts = 0

        public init() {}
    }

    /// fim events per transaction: bounds a pass's memory when many first inventories arrive at once.
    public let batchEvents: Int
    /// The actor named in finding history.
    public let actor: String
    /// Events stored more recently than this wait for the next pass, so that an ingest still
    /// committing cannot slip below the watermark (``FileInventoryStore/batchEnd(after:limit:settleSeconds:)``).
    public let settle: Duration

    public init(batchEvents: Int = 200_000, settle: Duration = .seconds(2), actor: String = "file-integrity") {
        self.batchEvents = max(1, batchEvents)
        self.settle = settle
        self.actor = actor
    }

    /// Judges every fim event stored since the watermark, batch by batch.
    /// - Throws: `PostgresError`; the batch that failed is rolled back and judged by the next pass.
    public func run(_ session: Session) throws -> Progress {
        var progress = Progress()
        while try session.transaction({ try judgeBatch(session, into: &progress) }) {
            progress.batches += 1
        }
        return progress
    }

    /// One batch in the caller's transaction; false when nothing was waiting.
    private func judgeBatch(_ session: Session, into progress: inout Progress) throws -> Bool {
        let inventory = FileInventoryStore(session: session)
        let after = try inventory.lockWatermark()
        progress.throughSeq = after
        let settleSeconds = settle.inSeconds
        guard let through = try inventory.batchEnd(after: after, limit: batchEvents, settleSeconds: settleSeconds) else { return false }
        let applied = try inventory.applyEvents(after: after, through: through)
        progress.inventoryWritten += applied.upserted
        progress.inventoryRemoved += applied.deleted
        let findings = FindingStore(session: session)
        for sighting in Self.changeSightings(try inventory.changes(after: after, through: through)) {
            count(try findings.record(sighting, actor: actor), into: &progress)
            progress.changes += 1
        }
        for sighting in Self.driftSightings(try inventory.splitPaths()) {
            count(try findings.record(sighting, actor: actor), into: &progress)
            progress.driftSightings += 1
        }
        try inventory.advanceWatermark(to: through)
        progress.throughSeq = through
        return true
    }

    private func count(_ change: FindingStore.Change, into progress: inout Progress) {
        if change.created { progress.findingsCreated += 1 }
        if change.alerted { progress.alerts += 1 }
    }
}
