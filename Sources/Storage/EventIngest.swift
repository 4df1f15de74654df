import LibPQ

/// One event as the ingest path stores it: the typed columns of `herdwatch.events` that
/// learning and detection read, plus the rest of the normalized event as compact JSON.
public struct IngestRow: Sendable, Equatable {
    public var bootID: String?
    public var eventTime: PostgresTimestamp
    public var serial: Int64
    public var kind: String
    public var syscall: String?
    public var success: Bool?
    public var exitCode: Int64?
    public var pid: Int32?
    public var ppid: Int32?
    public var uid: Int64?
    public var euid: Int64?
    public var auid: Int64?
    public var sessionID: Int64?
    public var exe: String?
    public var parentExe: String?
    public var comm: String?
    public var argv: [String]?
    public var cwd: String?
    /// An IPv4 or IPv6 address in text form.
    public var address: String?
    public var port: Int32?
    public var path: String?
    public var ruleKey: String?
    public var account: String?
    public var result: String?
    /// JSON text for the fields that have no column.
    public var detail: String?

    public init(eventTime: PostgresTimestamp, serial: Int64, kind: String) {
        self.eventTime = eventTime
        self.serial = serial
        self.kind = kind
    }

    /// Column order of `pg_temp.ingest_events` that `fields` follows.
    static let columns =
        "boot_id, event_time, serial, kind, syscall, success, exit_code, pid, ppid, uid, euid, auid, session_id, "
        + "exe, parent_exe, comm, argv, cwd, address, port, path, rule_key, account, result, detail"

    /// The row's values in COPY text form, in `columns` order.
    var fields: [String?] {
        [
            bootID, eventTime.description, String(serial), kind, syscall, success.map { $0 ? "t" : "f" },
            exitCode.map(String.init), pid.map(String.init), ppid.map(String.init), uid.map(String.init),
            euid.map(String.init), auid.map(String.init), sessionID.map(String.init), exe, parentExe, comm,
            argv.map { PostgresArrayLiteral.encode($0) }, cwd, address, port.map(String.init), path, ruleKey,
            account, result, detail,
        ]
    }
}

/// The agents' only way in: stage a batch with COPY into a temporary table that
/// `herdwatch.ingest_begin()` owns, then merge it with `herdwatch.ingest_commit`, which skips
/// events already stored (the unique event key), so one duplicate never aborts a batch, and
/// refuses a batch for a host bound to another login (unless the login holds herdwatch_replay).
public enum EventIngest {
    public struct Outcome: Sendable, Equatable {
        public var stored: Int
        public var duplicates: Int
        /// The host is bound to another login: nothing was stored, and the attempt was recorded.
        /// Retrying cannot succeed.
        public var refused: Bool

        public init(stored: Int, duplicates: Int, refused: Bool = false) {
            self.stored = stored
            self.duplicates = duplicates
            self.refused = refused
        }
    }

    /// Ships one batch for one host in one transaction.
    /// - Parameters:
    ///   - hostname: the reporting host's name; the database lower-cases and validates it.
    ///   - machineID: `/etc/machine-id`, when known.
    public static func ingest(_ rows: [IngestRow], hostname: String, machineID: String?, session: Session) throws -> Outcome {
        var encoded: [UInt8] = []
        for row in rows { row.appendCopyText(to: &encoded) }
        return try ingest(encodedRows: encoded, hostname: hostname, machineID: machineID, session: session)
    }

    /// Ships rows already encoded with `IngestRow.appendCopyText`, as agents spool them.
    public static func ingest(encodedRows: [UInt8], hostname: String, machineID: String?, session: Session) throws -> Outcome {
        try session.transaction {
            try session.query("SELECT herdwatch.ingest_begin()")
            try session.copyFrom("COPY pg_temp.ingest_events (\(IngestRow.columns)) FROM STDIN") { writer in
                try writer.appendRaw(encodedRows)
            }
            let result = try session.query(
                "SELECT stored, duplicates, refused FROM herdwatch.ingest_commit($1, $2)",
                [.text(hostname), machineID.map(SQLParameter.text) ?? .null])
            guard let row = result.first else {
                throw PostgresError(.unexpectedResult, message: "ingest_commit returned no row")
            }
            return Outcome(
                stored: try row.decode(Int.self, at: 0), duplicates: try row.decode(Int.self, at: 1),
                refused: try row.decode(Bool.self, at: 2))
        }
    }
}
