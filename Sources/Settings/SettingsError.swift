/// A configuration problem, naming the key and where its value came from so the user can fix
/// it at once: `ops/herdwatch.yaml: database.urll: unknown key (did you mean database.url?)`.
public struct SettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable {
        private let name: String
        public static let unreadableFile = Code(name: "unreadable file")
        public static let malformedFile = Code(name: "malformed file")
        public static let unknownKey = Code(name: "unknown key")
        public static let invalidValue = Code(name: "invalid value")
    }

    public let code: Code
    /// Where the value came from: a file path, `environment variable NAME`, or `--flag`.
    public let source: String
    public let key: String?
    public let reason: String

    public init(_ code: Code, source: String, key: String? = nil, reason: String) {
        self.code = code
        self.source = source
        self.key = key
        self.reason = reason
    }

    public var description: String {
        if let key { return "\(source): \(key): \(reason)" }
        return "\(source): \(reason)"
    }
}
