import CLibPQ

/// Facts about a libpq connection string (URL or `key=value` form), read with libpq's own
/// parser `PQconninfoParse`, so they agree with what libpq will do.
public enum ConnectionString {
    /// The parameters the string sets explicitly, by libpq keyword (`host`, `password`, …).
    /// - Throws: `PostgresError` with libpq's message when the string is malformed.
    public static func parameters(of conninfo: String) throws(PostgresError) -> [String: String] {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &errorMessage) else {
            let message = errorMessage.map { String(cString: $0).trimmingTrailingNewlines() } ?? "malformed"
            if let errorMessage { PQfreemem(errorMessage) }
            throw PostgresError(.connectionFailed, message: "invalid connection string: \(message)")
        }
        defer { PQconninfoFree(options) }
        var parameters: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                parameters[String(cString: keyword)] = String(cString: value)
            }
            option += 1
        }
        return parameters
    }

    /// Whether the string carries a password, which then shows in process listings and shell
    /// history when given on a command line.
    public static func containsPassword(_ conninfo: String) -> Bool {
        (try? parameters(of: conninfo))?["password"].map { !$0.isEmpty } ?? false
    }

    /// The string with any password replaced by `***`, for logs and error messages.
    public static func redacted(_ conninfo: String) -> String {
        guard containsPassword(conninfo) else { return conninfo }
        guard let parameters = try? parameters(of: conninfo) else { return "(unparsable connection string)" }
        return parameters.keys.sorted().map { key in
            "\(key)=\(key == "password" ? "***" : parameters[key]!)"
        }.joined(separator: " ")
    }
}
