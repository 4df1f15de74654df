import Foundation

/// The outcome of running a program to completion, for tests that run the real executables.
public struct ProgramRun: Sendable {
    public let exitCode: Int32
    public let standardOutput: String
    public let standardError: String

    /// Runs `path` with `posix_spawn` and waits for it. Output goes through temporary files,
    /// not pipes, so a daemon the program leaves running (the postmaster) cannot hold them open,
    /// and a chatty program cannot block on a full pipe.
    /// - Parameters:
    ///   - environment: extra variables, added to (and overriding) this process's environment.
    ///   - mergeOutput: send standard error to standard output as well.
    ///   - standardInput: a file to read as standard input; else /dev/null.
    public static func run(
        _ path: String, _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:],
        mergeOutput: Bool = false, standardInput: String = "/dev/null"
    ) throws -> ProgramRun {
        let output = try TemporaryFile()
        let errors = try TemporaryFile()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, standardInput, O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output.descriptor, 1)
        posix_spawn_file_actions_adddup2(&actions, mergeOutput ? output.descriptor : errors.descriptor, 2)

        // Glibc's posix_spawn_file_actions_addchdir_np is not visible to Swift; env -C changes
        // directory instead.
        let command = directory.map { ["/usr/bin/env", "-C", $0, path] } ?? [path]
        let argv = (command + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var variables = ProcessInfo.processInfo.environment
        variables.merge(environment) { _, new in new }
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }

        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, command[0], &actions, nil, argv, envp)
        guard spawned == 0 else { throw FixtureError("cannot start \(path): errno \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED/WEXITSTATUS spelled out, as Swift cannot import the macros; a signal
        // death is reported as 128 + the signal number, like a shell does.
        let exitCode = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return ProgramRun(exitCode: exitCode, standardOutput: try output.contents(), standardError: try errors.contents())
    }
}

/// A file in /tmp that is deleted when the value goes away.
final class TemporaryFile {
    let descriptor: Int32
    let path: String

    init() throws {
        var template = Array("/tmp/herdwatch-output-XXXXXX".utf8CString)
        descriptor = mkstemp(&template)
        guard descriptor >= 0 else { throw FixtureError("mkstemp failed: errno \(errno)") }
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func contents() throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    deinit {
        close(descriptor)
        unlink(path)
    }
}

extension ProgramRun {
    /// ``run(_:_:in:environment:mergeOutput:standardInput:)`` on a thread of its own.
    ///
    /// Waiting for a program blocks the waiting thread; on the cooperative pool (one thread per
    /// core) two such waits would hold every thread, and the process's other tests (a shipper
    /// or a collector waiting for its deadline) would starve and time out on a loaded machine.
    public static func runOnOwnThread(
        _ path: String, _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:],
        mergeOutput: Bool = false, standardInput: String = "/dev/null"
    ) async throws -> ProgramRun {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result {
                    try run(path, arguments, in: directory, environment: environment, mergeOutput: mergeOutput, standardInput: standardInput)
                })
            }
            thread.name = "test-program-run"
            thread.start()
        }
    }
}
