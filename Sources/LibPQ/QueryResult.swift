/// The rows of one statement, copied out of libpq's `PGresult` in text format.
public struct QueryResult: Sendable {
    public struct Column: Sendable, Hashable {
        public let name: String
        /// The column's type OID as reported by `PQftype`.
        public let typeOID: UInt32
    }

    public let columns: [Column]
    public let rows: [Row]
    /// Rows affected, from `PQcmdTuples` (INSERT/UPDATE/DELETE/COPY/SELECT); 0 when not reported.
    public let affectedRows: Int

    /// The only row, or nil when there are none.
    public var first: Row? { rows.first }
}

/// One result row. Cells are decoded on access with a clear error naming the column.
public struct Row: Sendable {
    let columns: [QueryResult.Column]
    /// Text-format cells; `nil` is SQL NULL.
    public let values: [String?]

    /// Decodes column `index` as `T`; use an optional `T` for nullable columns.
    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, at index: Int) throws(PostgresError) -> T {
        guard values.indices.contains(index) else {
            throw PostgresError(.decoding, message: "no column \(index) in a row of \(values.count)")
        }
        do {
            return try T.decode(values[index], typeOID: columns[index].typeOID)
        } catch {
            var error = error
            error.message = "column \(columns[index].name): \(error.message)"
            throw error
        }
    }

    /// Decodes the column named `name` as `T`.
    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, _ name: String) throws(PostgresError) -> T {
        guard let index = columns.firstIndex(where: { $0.name == name }) else {
            throw PostgresError(.decoding, message: "no column named \(name)")
        }
        return try decode(type, at: index)
    }
}
