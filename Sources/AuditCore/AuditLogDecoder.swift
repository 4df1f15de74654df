#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FleetModel

/// The whole pure pipeline for an auditd log stream: bytes in, normalized events out.
///
/// Splits lines (newline-terminated, `\r\n` tolerated), parses each record's header
/// (``AuditRecordParser``), assembles events (``AuditEventAssembler``: the record's fields are
/// tokenized straight into its event's ``AuditRecords``), normalizes them
/// (``AuditEventNormalizer``) and applies ``ProcessLineage``, ``SocketTypes`` and ``SocketBindings``.
/// Feed it chunks of any size; it keeps at most one partial line (capped at
/// ``AuditRecordParser/maximumRecordLength``) plus the assembler's bounded in-flight events.
///
/// Two ways to take the output: an ``AuditLogDecoderOutput`` that is lent each event (fast:
/// the decoder reuses the event's arrays for the next one), or a closure given copies.
/// ```swift
/// var decoder = AuditLogDecoder()
/// decoder.bytesReceived(chunk, into: &output)     // output: some AuditLogDecoderOutput
/// decoder.bytesReceived(chunk) { output in … }    // .event(AuditEvent) or .malformed
/// decoder.streamEnded(into: &output)
/// ```
public struct AuditLogDecoder: Sendable {
    public enum Output {
        case event(AuditEvent)
        case malformed(reason: AuditRecordParser.MalformedReason, bytes: [UInt8])
    }

    public struct Statistics: Sendable, Hashable {
        public var records = 0
        public var events = 0
        public var malformed = 0
        public var lost = 0

        public init(records: Int = 0, events: Int = 0, malformed: Int = 0, lost: Int = 0) {
            self.records = records
            self.events = events
            self.malformed = malformed
            self.lost = lost
        }
    }

    public private(set) var assembler: AuditEventAssembler
    public var lineage = ProcessLineage()
    public var socketTypes = SocketTypes()
    public var bindings = SocketBindings()
    /// Keeps the event's arrays from one event to the next.
    private var normalizer = AuditEventNormalizer.Builder()
    /// The last record stamp read (most records repeat it).
    private var stamp = AuditRecordParser.StampMemo()
    private var pending: [UInt8] = []
    private var skippingLongLine = false
    private var malformed = 0
    /// Events the assembler completed for the current record (reused: no array per record).
    private var completed: [AuditEventAssembler.Event] = []

    public init(configuration: AuditEventAssembler.Configuration = .init()) {
        assembler = AuditEventAssembler(configuration: configuration)
    }

    public var statistics: Statistics {
        Statistics(
            records: assembler.counters.records + malformed, events: assembler.counters.events,
            malformed: malformed, lost: assembler.counters.lost)
    }

    /// Bytes arrived; calls `emit` for every event or malformed record they complete.
    public mutating func bytesReceived(_ chunk: UnsafeRawBufferPointer, _ emit: (Output) -> Void) {
        Self.withOutput(emit) { bytesReceived(chunk, into: &$0) }
    }

    /// Bytes arrived; hands `emit` every event or malformed record they complete.
    public mutating func bytesReceived(_ chunk: UnsafeRawBufferPointer, into emit: inout some AuditLogDecoderOutput) {
        guard let base = chunk.baseAddress, chunk.count > 0 else { return }
        var start = 0
        let n = chunk.count
        while start < n {
            guard let hit = memchr(base + start, 0x0A, n - start) else {
                appendPending(UnsafeRawBufferPointer(rebasing: chunk[start..<n]), &emit)
                return
            }
            let end = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            if pending.isEmpty && !skippingLongLine {
                lineReceived(UnsafeRawBufferPointer(rebasing: chunk[start..<end]), into: &emit)
            } else {
                appendPending(UnsafeRawBufferPointer(rebasing: chunk[start..<end]), &emit)
                if !skippingLongLine {
                    let line = pending
                    line.withUnsafeBytes { lineReceived($0, into: &emit) }
                }
                pending.removeAll(keepingCapacity: pending.capacity <= 1 << 16)
                skippingLongLine = false
            }
            start = end + 1
        }
    }

    /// The stream ended: a last line without newline is parsed, and every open event completes.
    public mutating func streamEnded(_ emit: (Output) -> Void) {
        Self.withOutput(emit) { streamEnded(into: &$0) }
    }

    /// The stream ended: a last line without newline is parsed, and every open event completes.
    public mutating func streamEnded(into emit: inout some AuditLogDecoderOutput) {
        if !pending.isEmpty, !skippingLongLine {
            let line = pending
            line.withUnsafeBytes { lineReceived($0, into: &emit) }
        }
        pending = []
        for var e in assembler.streamEnded() { eventCompleted(&e, &emit) }
    }

    /// One complete record line, with event time driving the assembler.
    public mutating func lineReceived(_ line: UnsafeRawBufferPointer, _ emit: (Output) -> Void) {
        Self.withOutput(emit) { lineReceived(line, into: &$0) }
    }

    /// One complete record line, with event time driving the assembler.
    public mutating func lineReceived(_ line: UnsafeRawBufferPointer, into emit: inout some AuditLogDecoderOutput) {
        if line.isEmpty || (line.count == 1 && line[0] == 0x0D) { return }
        if let cut = AuditRecordParser.overlong(line) { return tooLong(cut, &emit) }
        textReceived(AuditRecordParser.logLineText(line), netlinkType: nil, into: &emit)
    }

    /// One record's text: its header is parsed here, its fields straight into its event's store.
    private mutating func textReceived(
        _ text: UnsafeRawBufferPointer, netlinkType: AuditRecordType?, into emit: inout some AuditLogDecoderOutput
    ) {
        let header: AuditRecordParser.Header
        do throws(AuditRecordParser.MalformedReason) {
            header = try AuditRecordParser.parseHeader(text, netlinkType: netlinkType, memo: &stamp)
        } catch {
            malformed += 1
            emit.malformedRecord(reason: error, bytes: Array(text))
            return
        }
        var done: [AuditEventAssembler.Event] = []
        swap(&done, &completed)  // a local: eventCompleted mutates self
        assembler.recordReceived(header, text: text, into: &done)
        for i in done.indices { eventCompleted(&done[i], &emit) }
        done.removeAll(keepingCapacity: true)
        swap(&done, &completed)
    }

    /// Feeds one message from the kernel's audit netlink socket: its type comes from the
    /// netlink header and its payload is the record text after `type=…` (`audit(…): fields`).
    public mutating func netlinkMessageReceived(type: UInt16, payload: UnsafeRawBufferPointer, _ emit: (Output) -> Void) {
        Self.withOutput(emit) { netlinkMessageReceived(type: type, payload: payload, into: &$0) }
    }

    /// Feeds one message from the kernel's audit netlink socket (see the closure form).
    public mutating func netlinkMessageReceived(
        type: UInt16, payload: UnsafeRawBufferPointer, into emit: inout some AuditLogDecoderOutput
    ) {
        let text = AuditRecordParser.netlinkText(payload)
        if let cut = AuditRecordParser.overlong(text) { return tooLong(cut, &emit) }
        textReceived(text, netlinkType: AuditRecordType(code: type), into: &emit)
    }

    /// Time passed on a quiet live stream (auditd's log has no EOE): completes the events
    /// older than `timestampMilliseconds` less the assembler's timeout. Call it only when no
    /// record arrived for a while; on a busy stream the records' own times drive the assembler.
    public mutating func eventTimeAdvanced(to timestampMilliseconds: Int64, _ emit: (Output) -> Void) {
        Self.withOutput(emit) { eventTimeAdvanced(to: timestampMilliseconds, into: &$0) }
    }

    /// Time passed on a quiet live stream (see the closure form).
    public mutating func eventTimeAdvanced(to timestampMilliseconds: Int64, into emit: inout some AuditLogDecoderOutput) {
        for var e in assembler.eventTimeAdvanced(to: timestampMilliseconds) { eventCompleted(&e, &emit) }
    }

    /// Events the assembler holds that are not complete yet.
    public var eventsInFlight: Int { assembler.eventsInFlight }

    /// Normalizes `e` and hands its record store back to the assembler's recycler.
    private mutating func eventCompleted(_ e: inout AuditEventAssembler.Event, _ emit: inout some AuditLogDecoderOutput) {
        normalizer.normalize(e.records)
        assembler.recycler.recycle(&e.records)
        lineage.eventSeen(&normalizer.event)
        socketTypes.eventSeen(&normalizer.event)  // before bindings, so a bind's remembered address has its proto
        bindings.eventSeen(&normalizer.event)
        emit.eventDecoded(normalizer.event)
    }

    private mutating func appendPending(_ bytes: UnsafeRawBufferPointer, _ emit: inout some AuditLogDecoderOutput) {
        if skippingLongLine { return }
        pending.append(contentsOf: bytes)
        if let cut = pending.withUnsafeBytes(AuditRecordParser.overlong) {
            tooLong(cut, &emit)
            pending.removeAll()
            skippingLongLine = true
        }
    }

    /// A record over ``AuditRecordParser/maximumRecordLength``: counted and handed on, cut.
    private mutating func tooLong(_ cut: [UInt8], _ emit: inout some AuditLogDecoderOutput) {
        malformed += 1
        emit.malformedRecord(reason: .tooLong, bytes: cut)
    }

    /// Runs `body` with an output that wraps `emit` (the closure forms of the methods above).
    private static func withOutput(_ emit: (Output) -> Void, _ body: (inout ClosureOutput) -> Void) {
        withoutActuallyEscaping(emit) { emit in
            var output = ClosureOutput(emit: emit)
            body(&output)
        }
    }

    /// An ``AuditLogDecoderOutput`` over an `(Output) -> Void` closure: each event is copied into
    /// an ``Output/event(_:)``.
    private struct ClosureOutput: AuditLogDecoderOutput {
        let emit: (Output) -> Void
        mutating func eventDecoded(_ event: AuditEvent) { emit(.event(event)) }
        mutating func malformedRecord(reason: AuditRecordParser.MalformedReason, bytes: [UInt8]) {
            emit(.malformed(reason: reason, bytes: bytes))
        }
    }
}

/// Receives what an ``AuditLogDecoder`` completes. The event is lent for the call: the decoder
/// reuses its arrays for the next one, so copy it to keep it (a copy is always safe).
public protocol AuditLogDecoderOutput {
    mutating func eventDecoded(_ event: AuditEvent)
    mutating func malformedRecord(reason: AuditRecordParser.MalformedReason, bytes: [UInt8])
}
