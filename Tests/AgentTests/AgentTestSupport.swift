import Foundation
import LibPQ
import PostgresFixture
import Storage
import Synchronization

/// A temporary directory for one test, removed at the end.
final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/herdwatch-agenttest-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw TestFailure("mkdtemp failed") }
        path = String(cString: made)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Writes audit records as auditd does: one event per serial, SYSCALL then EOE, appended.
struct AuditLogWriter {
    let path: String
    /// Event time of serial 0, in milliseconds since the epoch.
    var baseMilliseconds: Int64 = 1_790_000_000_000

    init(path: String) {
        self.path = path
        _ = FileManager.default.createFile(atPath: path, contents: nil)
    }

    func lines(serial: Int, timeMilliseconds: Int64? = nil) -> String {
        let time = timeMilliseconds ?? (baseMilliseconds + Int64(serial) * 7)
        let stamp = "\(time / 1000).\(String(format: "%03d", Int(time % 1000))):\(serial)"
        return """
            type=SYSCALL msg=audit(\(stamp)): arch=c000003e syscall=59 success=yes exit=0 a0=5 a1=6 a2=7 a3=0 items=1 ppid=100 pid=\(1000 + serial % 30000) auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=3 comm="ls" exe="/usr/bin/ls" key="exec"
            type=EOE msg=audit(\(stamp)): 

            """
    }

    /// Appends events `serials`, in one write.
    func append(_ serials: Range<Int>) throws {
        try appendText(serials.map { lines(serial: $0) }.joined())
    }

    func appendText(_ text: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }
}

extension TestDatabase {
    /// Serial → how many rows hold it, for one host.
    func storedSerials(host: String) async throws -> [Int: Int] {
        let connection = try await connect()
        let rows = try await connection.query(
            "SELECT e.serial, count(*) FROM herdwatch.events e JOIN herdwatch.hosts h ON h.id = e.host_id WHERE h.name = $1 GROUP BY e.serial",
            [.text(host)])
        var result: [Int: Int] = [:]
        for row in rows.rows { result[try row.decode(Int.self, at: 0)] = try row.decode(Int.self, at: 1) }
        return result
    }

    func scalar(_ sql: String) async throws -> Int {
        let connection = try await connect()
        return try await connection.query(sql).first!.decode(Int.self, at: 0)
    }
}

/// Writes an agent configuration for a log-file source.
/// - Parameter socketSnapshotSeconds: 0 (the tests' default) keeps listening-socket snapshot
///   events out of tests that count the serials they wrote.
func writeAgentConfig(
    in directory: String, logPath: String, conninfo: String, batchEvents: Int = 50, socketSnapshotSeconds: Int = 0,
    extra: String = ""
) throws -> String {
    let path = directory + "/agent.yaml"
    let text = """
        source: log-file
        log_file:
          path: \(logPath)
        database:
          url: "\(conninfo)"
        batch:
          events: \(batchEvents)
          max_delay_ms: 100
        state:
          directory: \(directory)/state
        heartbeat:
          interval_s: 1
        sockets:
          snapshot_interval_s: \(socketSnapshotSeconds)
        log:
          level: debug
        \(extra)
        """
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

/// Polls `condition` every 250 ms until it holds or `timeout` passes (each poll may open a
/// connection: poll gently, the whole suite shares two cores).
func eventually(timeout: Duration = .seconds(20), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(250))
    }
    return try await condition()
}

/// The agent uses `gethostname`; tests look its rows up by the same name.
var thisHostName: String {
    var buffer = [CChar](repeating: 0, count: 256)
    gethostname(&buffer, 255)
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self).lowercased()
}
