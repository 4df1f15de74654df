/// A file-integrity failure the agent cannot work around: a root that does not exist, a state
/// directory it cannot read or write, an inotify instance it cannot create.
///
/// `description` names the problem and the path (configuration the operator wrote, or the
/// agent's own state file); `debugDescription` adds the errno.
public struct FIMError: Error, Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable { case rootMissing, stateUnreadable, stateUnwritable, inotifyUnavailable }
        private let base: Base
        /// A configured path does not exist or cannot be resolved.
        public static let rootMissing = Code(base: .rootMissing)
        public static let stateUnreadable = Code(base: .stateUnreadable)
        public static let stateUnwritable = Code(base: .stateUnwritable)
        /// inotify_init1(2) failed (EMFILE: `fs.inotify.max_user_instances` reached).
        public static let inotifyUnavailable = Code(base: .inotifyUnavailable)
        public var description: String { "\(base)" }
    }

    public var code: Code
    public var path: String
    public var cause: Errno?

    public init(_ code: Code, path: String, cause: Errno? = nil) {
        self.code = code
        self.path = path
        self.cause = cause
    }

    public var description: String {
        switch code {
        case .rootMissing: "FIM path \(String(reflecting: path)) does not exist\(cause.map { ": \($0)" } ?? "")"
        case .stateUnreadable: "cannot read the FIM state \(String(reflecting: path))\(cause.map { ": \($0)" } ?? "")"
        case .stateUnwritable: "cannot write the FIM state \(String(reflecting: path))\(cause.map { ": \($0)" } ?? "")"
        default: "inotify is unavailable\(cause.map { ": \($0)" } ?? "")"
        }
    }

    public var debugDescription: String {
        "FIMError(\(code), path: \(String(reflecting: path)), cause: \(cause.map { "\($0)" } ?? "nil"))"
    }
}
