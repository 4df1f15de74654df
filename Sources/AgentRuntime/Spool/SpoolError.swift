/// A spool failure: a system call that failed, or a segment that holds something other than
/// records.
///
/// Corruption is not thrown: ``DiskSpool/readNext()`` returns it as a value (with the segment
/// name and byte offset), counts it, and goes on with the next segment, because one damaged
/// file must not stop the replay of the others. `description` names what failed without
/// payloads; `debugDescription` adds every field.
public struct SpoolError: Error, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable { case io, corruptRecord, recordTooLarge }
        private let base: Base
        /// A system call on the spool directory or a segment failed (disk full, permission…).
        public static let io = Code(base: .io)
        /// A sealed segment holds bytes that are not a valid record at ``SpoolError/offset``;
        /// the rest of that segment is skipped.
        public static let corruptRecord = Code(base: .corruptRecord)
        /// One batch is larger than the whole spool may be; it is dropped and counted.
        public static let recordTooLarge = Code(base: .recordTooLarge)
        public var description: String { "\(base)" }
    }

    public var code: Code
    /// The system call, such as "open" or "pwrite".
    public var operation: String
    /// The segment file name, such as "000000000042.seg", when one is concerned.
    public var segment: String?
    /// The byte offset in ``segment`` where the problem is.
    public var offset: Int?
    public var cause: Errno?

    public init(_ code: Code, operation: String, segment: String? = nil, offset: Int? = nil, cause: Errno? = nil) {
        self.code = code
        self.operation = operation
        self.segment = segment
        self.offset = offset
        self.cause = cause
    }

    public var description: String {
        switch code {
        case .corruptRecord: "spool segment \(segment ?? "?") is corrupt at offset \(offset ?? 0); the rest of it is skipped"
        case .recordTooLarge: "a batch is larger than the spool limit and was dropped"
        default: "spool \(operation) failed\(segment.map { " on \($0)" } ?? "")\(cause.map { ": \($0)" } ?? "")"
        }
    }

    public var debugDescription: String {
        "SpoolError(\(code), operation: \(operation), segment: \(segment ?? "nil"), offset: \(offset.map { "\($0)" } ?? "nil"), cause: \(cause.map { "\($0)" } ?? "nil"))"
    }
}
