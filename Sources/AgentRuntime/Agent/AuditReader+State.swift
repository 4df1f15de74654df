import AuditCore
import FleetModel
import Glibc
import Storage

/// The reader's state besides the decoder: the encoder, and which log position is safe to
/// checkpoint. The decoder is passed in separately, so that the events it emits can be
/// encoded while it is being mutated.
struct ReaderState {
    let configuration: AuditReader.Configuration
    let transforms: [EventTransform]
    var encoder: EventBatchEncoder
    /// The newest position all of whose lines are in encoded events.
    var safePosition: LogPosition?
    /// The newest position read, safe or not.
    var lastPosition: LogPosition?
    /// The position the last submitted batch carried.
    var submittedPosition: LogPosition?
    var batchStarted: ContinuousClock.Instant?
    var lastInput: ContinuousClock.Instant?
    var sequence: UInt64
    var submitted: UInt64 = 0

    init(configuration: AuditReader.Configuration, transforms: [EventTransform]) {
        self.configuration = configuration
        self.transforms = transforms
        encoder = EventBatchEncoder(
            bootID: configuration.bootID,
            futureSkewMilliseconds: Int64(configuration.futureSkew.components.seconds) * 1000)
        // Sequences increase across restarts too: microseconds since the epoch at start.
        sequence = UInt64(max(0, Self.nowMilliseconds())) * 1000
    }

    static func nowMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }

    var hasSomethingToShip: Bool {
        encoder.eventCount > 0 || (safePosition != nil && safePosition != submittedPosition)
    }

    mutating func lineReceived(_ line: UnsafeRawBufferPointer, decoder: inout AuditLogDecoder) {
        decoder.lineReceived(line) { output in handle(output) }
    }

    mutating func messageReceived(type: UInt16, _ payload: UnsafeRawBufferPointer, decoder: inout AuditLogDecoder) {
        decoder.netlinkMessageReceived(type: type, payload: payload) { output in handle(output) }
    }

    private mutating func handle(_ output: AuditLogDecoder.Output) {
        if case .event(let event) = output { eventReady(event) }
    }

    /// A row made outside the audit stream (a file-integrity change), already in stored form.
    mutating func rowReady(_ row: IngestRow) {
        if encoder.eventCount == 0 { batchStarted = .now }
        encoder.append(row)
    }

    mutating func eventReady(_ event: AuditEvent) {
        var event = event
        for transform in transforms { transform(&event) }
        if encoder.eventCount == 0 { batchStarted = .now }
        encoder.append(event, nowMilliseconds: Self.nowMilliseconds())
    }

    /// A line batch ended at `position`.
    mutating func positionReached(_ position: LogPosition?, now: ContinuousClock.Instant, decoder: AuditLogDecoder) {
        lastInput = now
        guard let position else { return }
        lastPosition = position
        if decoder.eventsInFlight == 0 { safePosition = position }
    }

    /// Time passed: on a quiet stream, complete open events by wall-clock time.
    mutating func ticked(now: ContinuousClock.Instant, decoder: inout AuditLogDecoder) {
        guard let lastInput, now - lastInput >= configuration.quietPeriod, decoder.eventsInFlight > 0 else { return }
        decoder.eventTimeAdvanced(to: Self.nowMilliseconds()) { output in handle(output) }
        if decoder.eventsInFlight == 0, let lastPosition { safePosition = lastPosition }
    }

    mutating func streamEnded(decoder: inout AuditLogDecoder) {
        decoder.streamEnded { output in handle(output) }
        if let lastPosition { safePosition = lastPosition }
    }

    /// Whether the batch waited long enough, or a quiet stream has a new position to checkpoint.
    func batchIsDue(now: ContinuousClock.Instant) -> Bool {
        if encoder.eventCount > 0, let batchStarted { return now - batchStarted >= configuration.batchDelay }
        guard safePosition != nil, safePosition != submittedPosition, let lastInput else { return false }
        return now - lastInput >= configuration.batchDelay
    }

    mutating func takeBatch() -> ShipBatch {
        let (payload, count) = encoder.take()
        batchStarted = nil
        var position: [UInt8] = []
        if let safePosition, safePosition != submittedPosition {
            position = LogCheckpoint.encode(safePosition)
            submittedPosition = safePosition
        }
        sequence += 1
        return ShipBatch(sequence: sequence, eventCount: count, payload: payload, position: position)
    }
}
