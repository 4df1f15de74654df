import Foundation

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
        try tools.run("pg_ctl", ["-D", data, "-l", "\(directory)/server.log", "-w", "-o", options, "start"], in: directory)

        let cluster = ThrowawayCluster(directory: directory)
        ClusterRegistry.register(cluster, tools: tools)
        return cluster
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
    nonisolated(unsafe) private static var cluster: (ThrowawayCluster, PostgresTools)?

    static func register(_ cluster: ThrowawayCluster, tools: PostgresTools) {
        // Called once, under TestPostgres's lock, before any reader exists.
        self.cluster = (cluster, tools)
        atexit {
            if let (cluster, tools) = ClusterRegistry.cluster { cluster.stop(tools: tools) }
        }
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
    /// Runs a program to completion with `posix_spawn` and returns its combined output; throws
    /// with that output when it exits non-zero. Output goes through a temporary file, not a
    /// pipe, so a daemon the program leaves running (the postmaster) cannot hold it open.
    @discardableResult
    static func run(_ path: String, _ arguments: [String], in directory: String? = nil) throws -> String {
        var template = Array("/tmp/herdwatch-command-XXXXXX".utf8CString)
        let outputDescriptor = mkstemp(&template)
        guard outputDescriptor >= 0 else { throw FixtureError("mkstemp failed: errno \(errno)") }
        let outputPath = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer {
            close(outputDescriptor)
            unlink(outputPath)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outputDescriptor, 1)
        posix_spawn_file_actions_adddup2(&actions, outputDescriptor, 2)
        // Glibc's posix_spawn_file_actions_addchdir_np is not visible to Swift; env -C changes
        // directory instead.
        let command = directory.map { ["/usr/bin/env", "-C", $0, path] } ?? [path]
        let argv = (command + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, command[0], &actions, nil, argv, environ)
        guard spawned == 0 else { throw FixtureError("cannot start \(path): errno \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        // WIFEXITED and WEXITSTATUS, spelled out: Swift cannot import the macros.
        let exited = status & 0x7f == 0
        let exitCode = (status >> 8) & 0xff
        guard exited && exitCode == 0 else {
            throw FixtureError("\(path) \(arguments.joined(separator: " ")) failed (status \(status)): \(output)")
        }
        return output
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
