/// One record line inside a ``LogLineBatch``: a range of the batch's bytes, without the
/// line feed (and without a carriage return before it), plus what happened to it.
public struct LogLine: Sendable, Hashable {
    /// What happened to a line on its way; both are counted by the source.
    public struct Flags: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// The line was longer than the source's maximum line length: these are its first
        /// bytes, and the rest up to the next line feed was skipped.
        public static let cut = Flags(rawValue: 1 << 0)
        /// No line feed ended the line: the file ended, was rotated or truncated, or the
        /// partial-line timeout expired. The bytes that follow start a new line.
        public static let unterminated = Flags(rawValue: 1 << 1)
    }

    /// Index of the first byte in ``LogLineBatch/bytes``.
    public var start: Int
    /// Index just after the last byte in ``LogLineBatch/bytes``.
    public var end: Int
    public var flags: Flags

    public init(start: Int, end: Int, flags: Flags = []) {
        self.start = start
        self.end = end
        self.flags = flags
    }

    public var range: Range<Int> { start..<end }
}

/// Record lines as one contiguous buffer plus line ranges, so a source makes one copy per
/// chunk read rather than one allocation per line (the parser reads ~200 MB/s). Bytes are
/// passed through as they are: NUL bytes and invalid UTF-8 included.
///
/// ```swift
/// for await batch in source.batches {
///     for index in batch.lines.indices { parse(batch[line: index]) }
///     if let position = batch.position { /* checkpoint it once the batch is shipped */ }
/// }
/// ```
public struct LogLineBatch: Sendable {
    /// The lines' bytes; may hold bytes between or after lines that belong to no line.
    public var bytes: [UInt8]
    public var lines: [LogLine]
    /// The position just after this batch in the file it came from; `nil` for a pipe.
    /// A caller that saves it once the batch is safe resumes with ``LogFileAuditSource``.
    public var position: LogPosition?
    /// True on the first batch after the source could not resume where it was asked to
    /// (the checkpointed file is gone): lines may be missing before this batch.
    public var followsPossibleGap: Bool

    public init(bytes: [UInt8] = [], lines: [LogLine] = [], position: LogPosition? = nil, followsPossibleGap: Bool = false) {
        self.bytes = bytes
        self.lines = lines
        self.position = position
        self.followsPossibleGap = followsPossibleGap
    }

    /// The bytes of line `index`.
    public subscript(line index: Int) -> ArraySlice<UInt8> {
        bytes[lines[index].range]
    }

    /// Calls `body` with the bytes of line `index`, without copying.
    public func withLineBytes<Result>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        let range = lines[index].range
        return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }
}
