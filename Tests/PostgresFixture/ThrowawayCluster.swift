import Foundation
import Synchronization

/// Runs initdb and pg_ctl for `TestPostgres`. Only processes this code started are stopped:
/// the cluster it made, by its data directory, at exit; or a cluster whose owning test process
/// is gone, by the data directory recorded beside that process id.
struct ThrowawayCluster {
    static let directoryPrefix = "herdwatch-testpg-"
    static let superuser = "herdwatch_test"
    let directory: String

    var conninfo: String { "host=\(directory) user=\(Self.superuser)" }

    static func start() throws -> ThrowawayCluster {
        let tools = try PostgresTools.locate()
        removeStaleClusters(tools: tools)
        let cluster = try create(tools: tools)
        ClusterRegistry.register(cluster, tools: tools)
        return cluster
    }

    /// Makes and starts a cluster; the caller registers it for removal at exit.
    static func create(tools: PostgresTools) throws -> ThrowawayCluster {

        var template = Array("/tmp/\(directoryPrefix)XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw FixtureError("mkdtemp failed: errno \(errno)") }
        let directory = String(cString: created)
        try "\(getpid())\n".write(toFile: "\(directory)/owner.pid", atomically: true, encoding: .utf8)
        if let owner = tools.serverUser {
            try Command.run("/bin/chown", [owner, directory])
        }
        let data = "\(directory)/data"
        try tools.run(
            "initdb",
            ["-D", data, "-U", superuser, "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"],
            in: directory)
        let options = [
            "-k \(directory)", "-c listen_addresses=''", "-c fsync=off", "-c synchronous_commit=off",
            "-c full_page_writes=off", "-c max_connections=100", "-c track_commit_timestamp=on",
        ].joined(separator: " ")
        try "\(options)\n".write(toFile: "\(directory)/options", atomically: true, encoding: .utf8)
        let cluster = ThrowawayCluster(directory: directory)
        try cluster.startServer(tools: tools)
        return cluster
    }

    /// pg_ctl start with the options the cluster was made with; waits until it accepts connections.
    func startServer(tools: PostgresTools) throws {
        let options = try String(contentsOfFile: "\(directory)/options", encoding: .utf8).trimmingCharacters(in: .newlines)
        try tools.run("pg_ctl", ["-D", "\(directory)/data", "-l", "\(directory)/server.log", "-w", "-o", options, "start"], in: directory)
    }

    /// pg_ctl stop -m fast: connections are closed at once, as in a real outage.
    func stopServer(tools: PostgresTools) throws {
        try tools.run("pg_ctl", ["-D", "\(directory)/data", "-m", "fast", "-w", "stop"], in: directory)
    }

    func stop(tools: PostgresTools) {
        _ = try? tools.run("pg_ctl", ["-D", "\(directory)/data", "-m", "immediate", "-w", "stop"], in: directory)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Stops and deletes clusters whose test process no longer exists.
    static func removeStaleClusters(tools: PostgresTools) {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []
        for entry in entries where entry.hasPrefix(directoryPrefix) {
            let directory = "/tmp/\(entry)"
            guard let text = try? String(contentsOfFile: "\(directory)/owner.pid", encoding: .utf8),
                let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)),
                kill(pid, 0) != 0, errno == ESRCH
            else { continue }
            ThrowawayCluster(directory: directory).stop(tools: tools)
        }
    }
}

/// Stops the cluster when the test process exits normally (XCTest and swift-testing both end
/// with `exit`), so `swift test` leaves nothing running.
enum ClusterRegistry {
    private static let clusters = Mutex<[(ThrowawayCluster, PostgresTools)]>([])

    static func register(_ cluster: ThrowawayCluster, tools: PostgresTools) {
        let first = clusters.withLock { clusters in
            clusters.append((cluster, tools))
            return clusters.count == 1
        }
        if first {
            atexit {
                for (cluster, tools) in ClusterRegistry.clusters.withLock({ $0 }) { cluster.stop(tools: tools) }
            }
        }
    }

    static func unregister(directory: String) {
        clusters.withLock { $0.removeAll { $0.0.directory == directory } }
    }
}

/// The PostgreSQL server programs, and the unprivileged user to run them as when we are root.
struct PostgresTools {
    let binDirectory: String
    let serverUser: String?

    static func locate() throws -> PostgresTools {
        let candidates =
            [(try? Command.run("/usr/bin/pg_config", ["--bindir"]))?.trimmingCharacters(in: .whitespacesAndNewlines)]
            + ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }.map { "/usr/lib/postgresql/\($0)/bin" }
        guard let bin = candidates.compactMap({ $0 }).first(where: { FileManager.default.isExecutableFile(atPath: "\($0)/initdb") })
        else {
            throw FixtureError("PostgreSQL server programs not found (apt-get install postgresql)")
        }
        var user: String? = nil
        if geteuid() == 0 {
            user = getpwnam("postgres") != nil ? "postgres" : "nobody"
        }
        return PostgresTools(binDirectory: bin, serverUser: user)
    }

    @discardableResult
    func run(_ program: String, _ arguments: [String], in directory: String) throws -> String {
        let path = "\(binDirectory)/\(program)"
        if let serverUser {
            return try Command.run("/usr/sbin/runuser", ["-u", serverUser, "--", path] + arguments, in: directory)
        }
        return try Command.run(path, arguments, in: directory)
    }
}

enum Command {
    /// Runs a program to completion and returns its combined output; throws with that output
    /// when it exits non-zero.
    @discardableResult
    static func run(_ path: String, _ arguments: [String], in directory: String? = nil) throws -> String {
        let result = try ProgramRun.run(path, arguments, in: directory, mergeOutput: true)
        guard result.exitCode == 0 else {
            throw FixtureError("\(path) \(arguments.joined(separator: " ")) exited \(result.exitCode): \(result.standardOutput)")
        }
        return result.standardOutput
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
