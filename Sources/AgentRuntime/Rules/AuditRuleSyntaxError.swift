/// A line of an audit rules file that auditctl(8) syntax does not allow, or that Herdwatch
/// does not support. `description` names the line number and what is wrong with it.
public struct AuditRuleSyntaxError: Error, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case unsupportedOption, missingArgument, invalidActionList, unknownSyscall, unknownField
            case invalidOperator, invalidValue, conflictingOptions, missingRule
        }
        private let base: Base
        public static let unsupportedOption = Code(base: .unsupportedOption)
        public static let missingArgument = Code(base: .missingArgument)
        public static let invalidActionList = Code(base: .invalidActionList)
        public static let unknownSyscall = Code(base: .unknownSyscall)
        public static let unknownField = Code(base: .unknownField)
        public static let invalidOperator = Code(base: .invalidOperator)
        public static let invalidValue = Code(base: .invalidValue)
        public static let conflictingOptions = Code(base: .conflictingOptions)
        /// `-S`, `-F`, `-p` or `-k` without `-a`, `-A` or `-w`.
        public static let missingRule = Code(base: .missingRule)
        public var description: String { "\(base)" }
    }

    public var code: Code
    /// 1-based line number in the rules file.
    public var line: Int
    /// What is wrong, naming the offending token.
    public var message: String
    /// The whole line, for debugging.
    public var text: String

    public init(_ code: Code, line: Int, _ message: String, text: String = "") {
        self.code = code
        self.line = line
        self.message = message
        self.text = text
    }

    public var description: String { "line \(line): \(message)" }
    public var debugDescription: String { "AuditRuleSyntaxError(\(code), line \(line): \(message); text: \(text))" }
}
