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

    public static func connect(_ address: String, port: Int32, exe: String, day: Int, serial: Int64) -> IngestRow {
        var row = IngestRow(eventTime: time(day: day, serial: serial), serial: serial, kind: "connect")
        row.syscall = "connect"
        row.success = true
        row.exe = exe
        row.address = address
        row.port = port
        return row
    }

    public static func time(day: Int, serial: Int64) -> PostgresTimestamp {
        PostgresTimestamp(microsecondsSinceEpoch: Int64(day) * Self.day + 3_600_000_000 + serial * 1000)
    }

    public static func ship(_ rows: [IngestRow], host: String, _ session: Session) throws {
        _ = try EventIngest.ingest(rows, hostname: host, machineID: nil, session: session)
    }
}
