import FleetModel
import LibPQ
import Storage

/// Hand-made events for exact expectations, shipped through the ingest path.
public enum SyntheticEvents {
    public static let day = Int64(86_400_000_000)

    public static func exec(_ exe: String, parent: String? = nil, day: Int, serial: Int64) -> IngestRow {
        var row = IngestRow(eventTime: time(day: day, serial: serial), serial: serial, kind: "exec")
        row.syscall = "execve"
        row.success = true
        row.exe = exe
        row.parentExe = parent
        return row
    }

    /// A connect; `proto` goes into the detail's `socket` object as the agent writes it.
    public static func connect(_ address: String, port: Int32, proto: String? = nil, exe: String, day: Int, serial: Int64) -> IngestRow {
        var row = IngestRow(eventTime: time(day: day, serial: serial), serial: serial, kind: "connect")
        row.syscall = "connect"
        row.success = true
        row.exe = exe
        row.address = address
        row.port = port
        row.detail = socketDetail(proto)
        return row
    }

    /// A listen on `port`, with `proto` as in ``connect(_:port:proto:exe:day:serial:)``.
    public static func listen(port: Int32, proto: String? = nil, exe: String, day: Int, serial: Int64) -> IngestRow {
        var row = IngestRow(eventTime: time(day: day, serial: serial), serial: serial, kind: "listen")
        row.syscall = "listen"
        row.success = true
        row.exe = exe
        row.address = "0.0.0.0"
        row.port = port
        row.detail = socketDetail(proto)
        return row
    }

    static func socketDetail(_ proto: String?) -> String? {
        proto.map { #"{"records":["SYSCALL","SOCKADDR"],"socket":{"family":"inet","proto":"# + JSONString.quoted($0) + "}}" }
    }

    public static func time(day: Int, serial: Int64) -> PostgresTimestamp {
        PostgresTimestamp(microsecondsSinceEpoch: Int64(day) * Self.day + 3_600_000_000 + serial * 1000)
    }

    public static func ship(_ rows: [IngestRow], host: String, _ session: Session) throws {
        _ = try EventIngest.ingest(rows, hostname: host, machineID: nil, session: session)
    }
}
