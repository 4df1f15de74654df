import FleetModel
import Storage

/// Turns events into COPY text batches for ``EventIngest``: the same bytes whether they go to
/// PostgreSQL at once, to the spool, or come from `replay`.
///
/// Events stamped later than now plus ``futureSkew`` keep their time (it is evidence) but get
/// `"future_time":true` in their detail JSON, and are counted.
public struct EventBatchEncoder {
    public let bootID: String?
    /// How far in the future an event may claim to be, in milliseconds.
    public let futureSkewMilliseconds: Int64
    public private(set) var payload: [UInt8] = []
    public private(set) var eventCount: UInt32 = 0
    /// Events flagged `future_time` since this encoder was made.
    public private(set) var futureEvents: UInt64 = 0
    private var json = AuditEventJSON(capacity: 1 << 14)

    public init(bootID: String?, futureSkewMilliseconds: Int64) {
        self.bootID = bootID
        self.futureSkewMilliseconds = futureSkewMilliseconds
    }

    /// Encodes one event into the current batch.
    /// - Parameter nowMilliseconds: wall-clock time, for the future check.
    public mutating func append(_ event: AuditEvent, nowMilliseconds: Int64) {
        var row = IngestRow(event, bootID: bootID, json: &json)
        if event.timestampMilliseconds > nowMilliseconds + futureSkewMilliseconds {
            futureEvents += 1
            row.detail = Self.flaggingFuture(row.detail)
        }
        row.appendCopyText(to: &payload)
        eventCount += 1
    }

    /// Adds a row built elsewhere (a file-integrity change) to the current batch.
    public mutating func append(_ row: IngestRow) {
        row.appendCopyText(to: &payload)
        eventCount += 1
    }

    /// Hands over the batch so far and starts an empty one.
    public mutating func take() -> (payload: [UInt8], eventCount: UInt32) {
        defer {
            payload = []
            payload.reserveCapacity(1 << 16)
            eventCount = 0
        }
        return (payload, eventCount)
    }

    /// `detail` with `"future_time":true` added to its top-level object.
    static func flaggingFuture(_ detail: String?) -> String {
        guard var text = detail, text.hasSuffix("}") else { return "{\"future_time\":true}" }
        text.removeLast()
        let isEmpty = text.trimmingWhitespace == "{"
        return text + (isEmpty ? "" : ",") + "\"future_time\":true}"
    }
}
