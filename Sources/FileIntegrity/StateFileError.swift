/// The agent's FIM state file cannot be read: another format version, or a damaged line.
///
/// `description` names the problem and the line number, never the line (it holds paths from
/// the host); `debugDescription` adds the reason.
public struct StateFileError: Error, Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable { case unsupportedVersion, malformedLine }
        private let base: Base
        /// The header is missing or names a version this build does not read.
        public static let unsupportedVersion = Code(base: .unsupportedVersion)
        /// A line has the wrong number of fields or a field that does not parse.
        public static let malformedLine = Code(base: .malformedLine)
        public var description: String { "\(base)" }
    }

    public var code: Code
    /// 1-based line number.
    public var line: Int
    public var reason: String

    public init(_ code: Code, line: Int, reason: String) {
        self.code = code
        self.line = line
        self.reason = reason
    }

    public var description: String { "FIM state file: \(code) at line \(line)" }
    public var debugDescription: String { "StateFileError(\(code), line: \(line), reason: \(reason))" }
}
