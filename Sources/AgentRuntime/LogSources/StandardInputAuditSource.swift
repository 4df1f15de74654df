/// Reads audit record lines from standard input, as an audisp plugin: auditd starts the
/// agent with the command in `ops/audisp/herdwatch.conf` and writes every record to its stdin
/// as one text line (`type=SYSCALL msg=audit(1700000000.123:42): …`) when the plugin says
/// `format = string` (auditd-plugins(5), /etc/audit/plugins.d/). auditd closes the pipe when it
/// stops or reloads the plugin; the source then delivers any partial line, flagged
/// unterminated, and ``batches`` finishes.
///
/// Batches carry no position: a pipe cannot be resumed, and auditd keeps its own log.
///
/// ```swift
/// let source = try StandardInputAuditSource.start()
/// for await batch in source.batches { … }   // ends when auditd closes the pipe
/// ```
public final class StandardInputAuditSource: AuditSource {
    private let handoff: LineHandoff

    private init(handoff: LineHandoff) {
        self.handoff = handoff
    }

    /// Starts reading `descriptor` on a dedicated thread.
    /// - Parameters:
    ///   - descriptor: the input, standard input by default; the source does not close it.
    ///   - maximumLineLength: longer lines are cut and flagged (``LogLine/Flags/cut``).
    ///   - chunkSize: bytes asked of each read(2).
    ///   - capacity: batches the reader may run ahead of the consumer.
    /// - Throws: ``LogSourceError`` `.threadUnavailable`.
    public static func start(
        descriptor: Int32 = 0, maximumLineLength: Int = 64 * 1024, chunkSize: Int = 1 << 20, capacity: Int = 8
    ) throws(LogSourceError) -> StandardInputAuditSource {
        let handoff = try LineHandoff(capacity: capacity)
        try handoff.start {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
            defer { buffer.deallocate() }
            var reader = LineReader(descriptor: descriptor, file: nil, maximumLineLength: maximumLineLength)
            switch reader.readAvailable(into: buffer, handoff: handoff) {
            case .endOfInput: _ = reader.flush(handoff: handoff)
            case .stopped: break
            case .failed(let errno): handoff.fail(LogSourceError(.readFailed, operation: "read", path: "<stdin>", cause: errno))
            }
        }
        return StandardInputAuditSource(handoff: handoff)
    }

    public var batches: LogLineBatches { handoff.batches }
    public var counters: LogSourceCounters { handoff.counters }
    public func stop() { handoff.stop() }

    /// A source nobody holds any more stops its thread (which holds only the handoff).
    deinit { handoff.stop() }
}
