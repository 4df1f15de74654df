import CLibPQ

/// One libpq connection, used synchronously by exactly one thread at a time.
///
/// Every method blocks in libpq. Async code reaches a `Session` through `Connection`, which runs
/// it on a dedicated thread so that blocking calls never occupy Swift concurrency's cooperative
/// pool. Sessions are not `Sendable` on purpose.
public final class Session {
    let handle: OpaquePointer

    /// Opens a connection, as libpq users expect: `conninfo` is a URL
    /// (`postgresql://user@host/db?sslmode=verify-full`) or `key=value` string; when it is empty,
    /// libpq's defaults apply, with the standard `PG*` variables and `~/.pgpass`/`PGPASSFILE`.
    /// TLS settings (`sslmode`, `sslrootcert`, …) pass through unchanged.
    ///
    /// The session then uses UTC and ISO dates, so timestamps decode the same everywhere.
    /// - Throws: `PostgresError` with code `.connectionFailed` and libpq's message.
    public init(conninfo: String, applicationName: String = "herdwatch") throws(PostgresError) {
        let keywords = ["dbname", "client_encoding", "fallback_application_name"]
        let values = [conninfo, "UTF8", applicationName]
        let connection = withCStringArray(keywords) { keywordPointers in
            withCStringArray(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let connection else {
            throw PostgresError(.connectionFailed, message: "libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(connection)).trimmingTrailingNewlines()
            PQfinish(connection)
            throw PostgresError(.connectionFailed, message: message)
        }
        self.handle = connection
        try execute("SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'iso_8601'")
    }

    deinit {
        PQfinish(handle)
    }

    /// The server's version as an integer, e.g. 150018 for 15.18.
    public var serverVersion: Int { Int(PQserverVersion(handle)) }

    /// The login this session authenticated as.
    public var user: String { String(cString: PQuser(handle)) }

    /// Runs one or more statements without parameters (`PQexec`), discarding any rows.
    public func execute(_ sql: String) throws(PostgresError) {
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(result, query: sql, accepting: [PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY])
    }

    /// Runs one statement with its parameters bound separately (`PQexecParams`) and returns its
    /// rows in text format.
    /// - Parameters:
    ///   - sql: a single statement with `$1`, `$2`, … placeholders.
    ///   - parameters: one value per placeholder; see `SQLParameter` for the types.
    @discardableResult
    public func query(_ sql: String, _ parameters: [SQLParameter] = []) throws(PostgresError) -> QueryResult {
        let result = execParams(sql, parameters)
        defer { PQclear(result) }
        try check(result, query: sql, accepting: [PGRES_COMMAND_OK, PGRES_TUPLES_OK])
        return Self.copyResult(result!)
    }

    /// Runs `body` inside BEGIN … COMMIT; any error thrown rolls the transaction back.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            if PQstatus(handle) == CONNECTION_OK { try? execute("ROLLBACK") }
            throw error
        }
    }

    /// Quotes an identifier (a channel, table or role name) with libpq's `PQescapeIdentifier`.
    public func quoteIdentifier(_ identifier: String) throws(PostgresError) -> String {
        let bytes = Array(identifier.utf8)
        guard let escaped = PQescapeIdentifier(handle, identifier, bytes.count) else {
            throw lastError(query: nil)
        }
        defer { PQfreemem(escaped) }
        return String(cString: escaped)
    }

    // MARK: libpq calls

    func execParams(_ sql: String, _ parameters: [SQLParameter]) -> OpaquePointer? {
        let types = parameters.map { $0.typeOID }
        let wires = parameters.map { $0.wireValue }
        let lengths = wires.map { Int32($0?.bytes.count ?? 0) }
        let formats = wires.map { Int32(($0?.isBinary ?? false) ? 1 : 0) }
        // Text values need a terminating NUL; binary ones are length-delimited but get one too, so
        // an empty value still has a non-NULL pointer.
        let buffers: [[CChar]?] = wires.map { wire in
            wire.map { value in value.bytes.map { CChar(bitPattern: $0) } + [0] }
        }
        return withPointers(to: buffers) { valuePointers in
            PQexecParams(
                handle, sql, Int32(parameters.count), types, valuePointers, lengths, formats, 0)
        }
    }

    func check(_ result: OpaquePointer?, query: String?, accepting: [ExecStatusType]) throws(PostgresError) {
        guard let result else { throw lastError(query: query) }
        let status = PQresultStatus(result)
        if accepting.contains(status) { return }
        if status == PGRES_FATAL_ERROR || status == PGRES_NONFATAL_ERROR {
            throw Self.serverError(result, connection: handle, query: query)
        }
        throw PostgresError(
            .unexpectedResult, message: String(cString: PQresStatus(status)), query: query)
    }

    func lastError(query: String?) -> PostgresError {
        let message = String(cString: PQerrorMessage(handle)).trimmingTrailingNewlines()
        let code: PostgresError.Code = PQstatus(handle) == CONNECTION_OK ? .server : .connectionLost
        return PostgresError(code, message: message, query: query)
    }

    static func serverError(_ result: OpaquePointer, connection: OpaquePointer, query: String?) -> PostgresError {
        func field(_ code: UInt8) -> String? {
            guard let value = PQresultErrorField(result, Int32(code)) else { return nil }
            return String(cString: value)
        }
        // Field codes from postgres_ext.h: PG_DIAG_SQLSTATE 'C', MESSAGE_PRIMARY 'M', DETAIL 'D',
        // HINT 'H', STATEMENT_POSITION 'P', CONSTRAINT_NAME 'n'.
        let sqlState = field(UInt8(ascii: "C"))
        let message =
            field(UInt8(ascii: "M"))
            ?? String(cString: PQerrorMessage(connection)).trimmingTrailingNewlines()
        let lost = PQstatus(connection) != CONNECTION_OK
        return PostgresError(
            sqlState == nil && lost ? .connectionLost : .server,
            message: message,
            sqlState: sqlState,
            detail: field(UInt8(ascii: "D")),
            hint: field(UInt8(ascii: "H")),
            position: field(UInt8(ascii: "P")).flatMap { Int($0) },
            constraint: field(UInt8(ascii: "n")),
            query: query)
    }

    static func copyResult(_ result: OpaquePointer) -> QueryResult {
        let columnCount = PQnfields(result)
        let rowCount = PQntuples(result)
        let columns = (0..<columnCount).map { column in
            QueryResult.Column(name: String(cString: PQfname(result, column)), typeOID: PQftype(result, column))
        }
        var rows: [Row] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            var values: [String?] = []
            values.reserveCapacity(Int(columnCount))
            for column in 0..<columnCount {
                if PQgetisnull(result, row, column) == 1 {
                    values.append(nil)
                } else {
                    let length = Int(PQgetlength(result, row, column))
                    let bytes = UnsafeRawBufferPointer(start: PQgetvalue(result, row, column), count: length)
                    values.append(String(decoding: bytes, as: UTF8.self))
                }
            }
            rows.append(Row(columns: columns, values: values))
        }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
        return QueryResult(columns: columns, rows: rows, affectedRows: affected)
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = self
        while text.last?.isNewline == true { text.removeLast() }
        return text
    }
}

/// Calls `body` with a C array of pointers to NUL-terminated copies of `strings`.
func withCStringArray<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let buffers = strings.map { Array($0.utf8CString) }
    return withPointers(to: buffers.map { Optional($0) }) { pointers in body(pointers + [nil]) }
}

/// Calls `body` with pointers to copies of `buffers`, valid only during the call; `nil` stays NULL.
func withPointers<R>(to buffers: [[CChar]?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let copies: [UnsafeMutablePointer<CChar>?] = buffers.map { buffer in
        buffer.map { bytes in
            let copy = UnsafeMutablePointer<CChar>.allocate(capacity: max(bytes.count, 1))
            copy.initialize(from: bytes, count: bytes.count)
            return copy
        }
    }
    defer { copies.forEach { $0?.deallocate() } }
    return body(copies.map { $0.map { UnsafePointer($0) } })
}
