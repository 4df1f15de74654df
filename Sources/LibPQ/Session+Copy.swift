import CLibPQ

extension Session {
    /// Runs `COPY … FROM STDIN` and streams the rows `body` writes.
    ///
    /// The COPY is scoped by the closure: when `body` returns, CopyDone is sent and the server's
    /// verdict awaited; when it throws, CopyFail is sent, so the server discards every row of this
    /// COPY and nothing is left behind, then the error is rethrown.
    /// - Returns: the number of rows the server stored.
    /// - Throws: `PostgresError` from the server (e.g. a malformed row, a unique violation), or
    ///   whatever `body` threw.
    @discardableResult
    public func copyFrom(_ sql: String, _ body: (inout CopyWriter) throws -> Void) throws -> Int {
        let start = PQexec(handle, sql)
        defer { PQclear(start) }
        try check(start, query: sql, accepting: [PGRES_COPY_IN])

        var writer = CopyWriter(session: self)
        do {
            try body(&writer)
            try writer.flush()
        } catch {
            _ = PQputCopyEnd(handle, "aborted by the client")
            drainResults()
            throw error
        }
        guard PQputCopyEnd(handle, nil) == 1 else {
            let error = lastError(query: sql)
            drainResults()
            throw error
        }
        let result = PQgetResult(handle)
        defer {
            PQclear(result)
            drainResults()
        }
        try check(result, query: sql, accepting: [PGRES_COMMAND_OK])
        return Int(String(cString: PQcmdTuples(result!))) ?? 0
    }

    func putCopyData(_ bytes: [UInt8]) throws(PostgresError) {
        let status = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                PQputCopyData(handle, chars.baseAddress, Int32(chars.count))
            }
        }
        guard status == 1 else {
            var error = lastError(query: nil)
            error.code = .copyFailed
            throw error
        }
    }

    /// Reads and discards results until libpq reports none left, so the connection is ready for
    /// the next command.
    func drainResults() {
        while let result = PQgetResult(handle) { PQclear(result) }
    }
}

/// Buffers COPY data and hands it to libpq in large chunks.
public struct CopyWriter: ~Copyable {
    private let session: Session
    private var buffer: [UInt8] = []
    private static let flushThreshold = 256 * 1024

    init(session: Session) {
        self.session = session
        buffer.reserveCapacity(Self.flushThreshold + 4096)
    }

    /// Appends one row in text format (see `CopyText`); `nil` fields are NULL.
    public mutating func appendRow(_ fields: [String?]) throws(PostgresError) {
        CopyText.appendRow(fields, to: &buffer)
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    /// Appends bytes exactly as given, for callers that produce the COPY format themselves
    /// (binary COPY, or text rows they have already escaped).
    public mutating func appendRaw(_ bytes: some Sequence<UInt8>) throws(PostgresError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    mutating func flush() throws(PostgresError) {
        guard !buffer.isEmpty else { return }
        try session.putCopyData(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
