/// An error from PostgreSQL or from libpq.
///
/// `description` is deliberately terse: it carries the SQLSTATE and the server's primary
/// message but never parameter values or COPY payloads, which may hold attacker-controlled or
/// secret data from hosts. `debugDescription` adds detail, hint and the query text.
public struct PostgresError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What kind of failure this is. Extensible: new codes can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case connectionFailed = "connection failed"
            case server = "server error"
            case connectionLost = "connection lost"
            case copyFailed = "COPY failed"
            case decoding = "cannot decode value"
            case unexpectedResult = "unexpected result"
        }
        private let base: Base
        /// The server could not be reached or refused the login.
        public static let connectionFailed = Code(base: .connectionFailed)
        /// The server reported an error; `sqlState` says which.
        public static let server = Code(base: .server)
        /// The connection broke while a command ran.
        public static let connectionLost = Code(base: .connectionLost)
        /// Sending COPY data failed on the client side.
        public static let copyFailed = Code(base: .copyFailed)
        /// A result column could not be turned into the requested Swift type.
        public static let decoding = Code(base: .decoding)
        /// libpq returned a result status the caller did not expect (e.g. rows from an exec).
        public static let unexpectedResult = Code(base: .unexpectedResult)
        public var description: String { base.rawValue }
    }

    public var code: Code
    /// Five-character SQLSTATE such as `23505` (unique_violation), when the server sent one.
    public var sqlState: String?
    /// The server's or libpq's primary message.
    public var message: String
    public var detail: String?
    public var hint: String?
    /// 1-based character position in the query where the server located the error.
    public var position: Int?
    public var constraint: String?
    /// The SQL text of the command that failed (never its parameter values).
    public var query: String?

    public init(
        _ code: Code, message: String, sqlState: String? = nil, detail: String? = nil,
        hint: String? = nil, position: Int? = nil, constraint: String? = nil, query: String? = nil
    ) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
        self.position = position
        self.constraint = constraint
        self.query = query
    }

    public var description: String {
        if let sqlState { return "\(message) (SQLSTATE \(sqlState))" }
        return "\(code): \(message)"
    }

    public var debugDescription: String {
        var text = description
        if let detail { text += "\nDETAIL: \(detail)" }
        if let hint { text += "\nHINT: \(hint)" }
        if let query { text += "\nQUERY: \(query)" }
        return text
    }
}

extension PostgresError {
    /// Well-known SQLSTATEs (PostgreSQL documentation, Appendix A) that callers branch on.
    public enum SQLState {
        public static let uniqueViolation = "23505"
        public static let foreignKeyViolation = "23503"
        public static let checkViolation = "23514"
        public static let syntaxError = "42601"
        public static let insufficientPrivilege = "42501"
        public static let undefinedTable = "42P01"
        public static let duplicateObject = "42710"
        public static let queryCanceled = "57014"
        public static let invalidTextRepresentation = "22P02"
    }

    public var isUniqueViolation: Bool { sqlState == SQLState.uniqueViolation }
    public var isInsufficientPrivilege: Bool { sqlState == SQLState.insufficientPrivilege }
}
