import AgentRuntime
import Crypto
import FileIntegrity
import Foundation
import Glibc
import LibPQ
import Storage

/// One real directory scanned as several hosts, each with its own state directory, so the
/// hosts hold the same paths (as a role's hosts do) and a change on disk reaches a host only
/// when that host scans.
final class FleetTree: Sendable {
    let base: String
    var root: String { base + "/root" }

    init() throws {
        var template = Array("/tmp/herdwatch-judge-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        base = String(cString: made)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: false)
    }

    deinit { try? FileManager.default.removeItem(atPath: base) }

    func path(_ relative: String) -> String { root + "/" + relative }

    func write(_ relative: String, _ content: String) throws {
        let url = URL(fileURLWithPath: path(relative))
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(content.utf8).write(to: url)
    }

    /// Scans as `host` and ships what changed, as `herdwatch-agent scan --database-url` does.
    @discardableResult
    func scan(as host: String, session: Session) throws -> (changes: [FileChange], outcome: EventIngest.Outcome) {
        let state = base + "/state-" + host
        mkdir(state, 0o700)
        var outcome = EventIngest.Outcome(stored: 0, duplicates: 0)
        let report = try FileIntegrityScan.run(FIMConfiguration(paths: [root]), store: FIMStateStore(directory: state)) { changes in
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            let micros = Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000
            outcome = try FileChangeShipment(hostname: host, machineID: nil).ship(changes, scanTimeMicroseconds: micros, session: session)
        }
        return (report.changes, outcome)
    }

    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

extension Session {
    func count(_ sql: String, _ parameters: [SQLParameter] = []) throws -> Int {
        try query(sql, parameters).first!.decode(Int.self, at: 0)
    }

    func strings(_ sql: String, _ parameters: [SQLParameter] = []) throws -> [String] {
        try query(sql, parameters).rows.map { try $0.decode(String.self, at: 0) }
    }
}
