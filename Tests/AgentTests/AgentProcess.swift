import Foundation

/// A built `herdwatch-agent` running in the background, which a test can signal and wait for.
/// Standard output and error go to files in the test's directory.
final class AgentProcess {
    static let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    static var executable: String { directory.appendingPathComponent("herdwatch-agent").path }

    let pid: pid_t
    let outputPath: String
    private(set) var exitCode: Int32?

    init(_ arguments: [String], outputPath: String, environment: [String: String] = [:]) throws {
        self.outputPath = outputPath
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([Self.executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var variables = ProcessInfo.processInfo.environment
        variables.merge(environment) { _, new in new }
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        // The child starts with no signal blocked and default dispositions, as under systemd,
        // whatever the test thread that spawns it has blocked.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGHUP, SIGTERM, SIGINT, SIGPIPE] { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, Self.executable, &actions, &attributes, argv, envp)
        guard spawned == 0 else { throw TestFailure("cannot start herdwatch-agent: errno \(spawned)") }
        self.pid = pid
    }

    func signal(_ number: Int32) { kill(pid, number) }

    /// Waits up to `timeout` for the process to end; its exit code, or 128 + signal.
    ///
    /// The polling runs on a thread of its own, so a cooperative pool kept busy by other tests
    /// cannot make the deadline pass unnoticed while the child has long exited.
    @discardableResult
    func wait(timeout: Duration = .seconds(30)) async throws -> Int32 {
        if let exitCode { return exitCode }
        let pid = pid
        let code: Int32? = await withCheckedContinuation { continuation in
            let thread = Thread {
                let deadline = ContinuousClock.now + timeout
                while ContinuousClock.now < deadline {
                    var status: Int32 = 0
                    if waitpid(pid, &status, WNOHANG) == pid {
                        continuation.resume(returning: status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f))
                        return
                    }
                    usleep(20_000)
                }
                continuation.resume(returning: nil)
            }
            thread.name = "agent-process-wait"
            thread.start()
        }
        guard let code else {
            kill(pid, SIGKILL)
            throw TestFailure("herdwatch-agent did not exit within \(timeout); output:\n\(output)")
        }
        exitCode = code
        return code
    }

    var output: String {
        guard let data = FileManager.default.contents(atPath: outputPath) else { return "(no output file)" }
        return String(decoding: data, as: UTF8.self)
    }

    deinit {
        if exitCode == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }
}

/// Runs the agent to completion (replay, check-config).
func runAgent(_ arguments: [String], in directory: String, environment: [String: String] = [:]) async throws -> (code: Int32, output: String) {
    let path = directory + "/run-\(UUID().uuidString).out"
    let process = try AgentProcess(arguments, outputPath: path, environment: environment)
    let code = try await process.wait(timeout: .seconds(60))
    return (code, process.output)
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
