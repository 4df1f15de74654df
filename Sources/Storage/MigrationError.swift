import LibPQ

/// Why `herdwatch migrate` stopped. The description names the migration file, the statement's
/// line and its first line of text, and the server's message.
public struct MigrationError: Error, Sendable, CustomStringConvertible {
    public enum Reason: Sendable {
        /// A statement failed; the migration's transaction was rolled back.
        case statementFailed(fileName: String, line: Int, statement: String, cause: PostgresError)
        /// The database holds migrations that this build does not carry: it was migrated by a
        /// newer Herdwatch, and this one would not understand its schema.
        case unknownMigrations([String])
    }

    public let reason: Reason

    public var description: String {
        switch reason {
        case .statementFailed(let fileName, let line, let statement, let cause):
            let firstLine = statement.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? statement
            return "\(fileName):\(line): \(cause.description)\n  in statement: \(firstLine)"
        case .unknownMigrations(let names):
            return "the database has migrations this build of herdwatch does not know (\(names.joined(separator: ", "))); "
                + "it was migrated by a newer version: upgrade herdwatch instead"
        }
    }
}
