/// What the spool lost, kept in the spool directory's `counters` file so that a restarted agent
/// still reports it (the `event_loss` finding reads these through agent health).
///
/// The file is text, one `name value` pair a line, rewritten whole through a temporary file and
/// rename(2), so it is always either the old or the new version.
public struct SpoolCounters: Hashable, Sendable {
    /// Batches, their events and their bytes dropped because the spool was full (oldest
    /// segments first) or because one batch was larger than the whole spool.
    public var droppedBatches: UInt64 = 0
    public var droppedEvents: UInt64 = 0
    public var droppedBytes: UInt64 = 0
    /// Segments found corrupt while replaying, and the bytes skipped in them. Their events are
    /// unknown: the headers that would count them are the damaged part.
    public var corruptSegments: UInt64 = 0
    public var corruptBytes: UInt64 = 0
    /// Incomplete records cut from the end of the last segment after a crash, and their bytes.
    /// Such a record was never acknowledged, so its source position was not checkpointed and
    /// the reader produces it again: this is not loss.
    public var tornTails: UInt64 = 0
    public var tornBytes: UInt64 = 0

    public init() {}

    static let fileName = "counters"

    var fields: [(String, UInt64)] {
        [
            ("dropped_batches", droppedBatches), ("dropped_events", droppedEvents), ("dropped_bytes", droppedBytes),
            ("corrupt_segments", corruptSegments), ("corrupt_bytes", corruptBytes),
            ("torn_tails", tornTails), ("torn_bytes", tornBytes),
        ]
    }

    /// The file's text.
    var text: String {
        fields.map { "\($0.0) \($0.1)\n" }.joined()
    }

    /// Parses the file's text; unknown names and malformed lines are ignored, so a newer
    /// agent's file can be read by an older one.
    init(text: String) {
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let value = UInt64(parts[1]) else { continue }
            switch parts[0] {
            case "dropped_batches": droppedBatches = value
            case "dropped_events": droppedEvents = value
            case "dropped_bytes": droppedBytes = value
            case "corrupt_segments": corruptSegments = value
            case "corrupt_bytes": corruptBytes = value
            case "torn_tails": tornTails = value
            case "torn_bytes": tornBytes = value
            default: continue
            }
        }
    }
}
