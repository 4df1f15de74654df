/// A source of raw audit record lines: auditd's log file (``LogFileAuditSource``), standard
/// input as an audisp plugin (``StandardInputAuditSource``) or recorded files
/// (``RecordedFileAuditSource``). All deliver the same ``LogLineBatch`` values, so the parser
/// and the shipper do not care where lines come from.
///
/// Each source reads on its own thread (blocking reads stay off the cooperative pool) and
/// hands batches over through ``batches``, which holds a bounded number of batches: when the
/// consumer falls behind, the reader waits instead of dropping, since a file or a pipe is
/// already a buffer (auditd applies its own `disp_qos`/`q_depth` to plugins).
///
/// ```swift
/// let source = try LogFileAuditSource.start(.init(path: "/var/log/audit/audit.log"), resumingFrom: saved)
/// defer { source.stop() }
/// for await batch in source.batches { … }
/// ```
public protocol AuditSource: AnyObject, Sendable {
    /// The batches, in input order; finishes at the end of input, on ``stop()`` or on a
    /// read failure (then ``LogSourceCounters/failure`` says why).
    var batches: LogLineBatches { get }
    /// A snapshot of what the source has seen, for metrics and logs.
    var counters: LogSourceCounters { get }
    /// Stops reading and finishes ``batches``. Safe to call more than once.
    func stop()
}

/// What a line source saw, for metrics: kept separate so nothing is lost silently.
public struct LogSourceCounters: Sendable, Hashable {
    /// Batches handed to ``AuditSource/batches``.
    public var batches = 0
    /// Lines in those batches.
    public var lines = 0
    /// Lines longer than the maximum line length, delivered cut (``LogLine/Flags/cut``).
    public var cutLines = 0
    /// Lines delivered without a line feed (``LogLine/Flags/unterminated``).
    public var unterminatedLines = 0
    /// Times the followed path came to name another file (rename + create).
    public var rotations = 0
    /// Times the followed file shrank under the reader (copytruncate): lines written between
    /// the copy and the truncation may be missing.
    public var truncations = 0
    /// Times the source could not resume where it was asked and started over.
    public var possibleGaps = 0
    /// The error that ended the source, if any (not an end of input or a stop).
    public var failure: LogSourceError?

    public init() {}
}
