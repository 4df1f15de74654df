/// A failure of a log file, standard input or recorded file source, or of the checkpoint
/// store, shaped like ``AuditNetlinkError``: an extensible code, the `Errno` behind it, and
/// the path as context.
///
/// `description` says what failed in a sentence an operator can act on, without file
/// contents; `debugDescription` adds the operation and the errno.
public struct LogSourceError: Error, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case openFailed, readFailed, threadUnavailable, checkpointUnreadable, checkpointMalformed, checkpointWriteFailed
        }
        private let base: Base
        /// A file (or the directory watch) could not be opened.
        public static let openFailed = Code(base: .openFailed)
        /// read(2) failed on an open file or standard input; the source ended.
        public static let readFailed = Code(base: .readFailed)
        /// The reader thread could not be started.
        public static let threadUnavailable = Code(base: .threadUnavailable)
        /// The checkpoint file exists but cannot be read.
        public static let checkpointUnreadable = Code(base: .checkpointUnreadable)
        /// The checkpoint file does not hold a checkpoint (see ``LogCheckpoint``).
        public static let checkpointMalformed = Code(base: .checkpointMalformed)
        /// The checkpoint could not be written, synced or renamed into place.
        public static let checkpointWriteFailed = Code(base: .checkpointWriteFailed)
        public var description: String { "\(base)" }
    }

    public var code: Code
    /// The system call error behind the failure.
    public var cause: Errno?
    /// The system call, such as "open" or "rename".
    public var operation: String
    /// The file concerned, if any.
    public var path: String?

    public init(_ code: Code, operation: String, path: String? = nil, cause: Errno? = nil) {
        self.code = code
        self.operation = operation
        self.path = path
        self.cause = cause
    }

    public var description: String {
        let file = path.map { " \($0)" } ?? ""
        let reason = cause.map { ": \($0)" } ?? ""
        return switch code {
        case .openFailed: "cannot open\(file)\(reason)"
        case .readFailed: "cannot read\(file)\(reason)"
        case .checkpointMalformed: "the checkpoint\(file) is malformed; remove it to start over"
        case .checkpointUnreadable: "cannot read the checkpoint\(file)\(reason)"
        case .checkpointWriteFailed: "cannot write the checkpoint\(file)\(reason)"
        default: "log source \(code) during \(operation)\(reason)"
        }
    }

    public var debugDescription: String {
        "LogSourceError(\(code), operation: \(operation), path: \(path ?? "nil"), cause: \(cause.map { "\($0)" } ?? "nil"))"
    }
}
