import AuditCore
import FleetModel
import LibPQ
import Storage

/// Loads a recorded audit log (auditd's format) for one host through the ingest path, as the
/// agent's `replay` will: decode (``AuditLogDecoder``), map (``IngestRow/init(_:bootID:json:)``), ship in
/// batches with ``EventIngest``. For loading simulated fleets and archived logs.
///
/// ```swift
/// var loader = AuditLogLoader(hostname: "web-01")
/// try loader.bytesReceived(chunk, session: session)
/// let outcome = try loader.finish(session: session)
/// ```
public struct AuditLogLoader {
    public let hostname: String
    public var batchSize: Int
    private var decoder = AuditLogDecoder()
    private var pending: [IngestRow] = []
    public private(set) var outcome = EventIngest.Outcome(stored: 0, duplicates: 0)
    public private(set) var malformed = 0

    public init(hostname: String, batchSize: Int = 20_000) {
        self.hostname = hostname
        self.batchSize = max(1, batchSize)
    }

    public mutating func bytesReceived(_ bytes: [UInt8], session: Session) throws {
        var rows: [IngestRow] = []
        var bad = 0
        var json = AuditEventJSON(capacity: 4096)
        bytes.withUnsafeBytes { buffer in
            decoder.bytesReceived(buffer) { output in
                switch output {
                case .event(let event): rows.append(IngestRow(event, bootID: nil, json: &json))
                case .malformed: bad += 1
                }
            }
        }
        malformed += bad
        pending += rows
        if pending.count >= batchSize { try ship(session) }
    }

    /// Ends the stream, ships what is left and returns the totals.
    public mutating func finish(session: Session) throws -> EventIngest.Outcome {
        var rows: [IngestRow] = []
        var json = AuditEventJSON(capacity: 4096)
        decoder.streamEnded { output in
            if case .event(let event) = output { rows.append(IngestRow(event, bootID: nil, json: &json)) }
        }
        pending += rows
        try ship(session)
        return outcome
    }

    private mutating func ship(_ session: Session) throws {
        guard !pending.isEmpty else { return }
        let result = try EventIngest.ingest(pending, hostname: hostname, machineID: nil, session: session)
        outcome.stored += result.stored
        outcome.duplicates += result.duplicates
        outcome.refused = outcome.refused || result.refused
        pending.removeAll(keepingCapacity: true)
    }
}
