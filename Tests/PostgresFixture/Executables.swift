import Foundation

/// The built `herdwatch` and `herdwatch-agent`, which `swift test` builds beside the test bundle.
public enum Executables {
    public static let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()

    /// Runs on a thread of its own (``ProgramRun/runOnOwnThread(_:_:in:environment:mergeOutput:standardInput:)``),
    /// not on the cooperative pool.
    public static func herdwatch(_ arguments: String..., environment: [String: String] = [:]) async throws -> ProgramRun {
        try await ProgramRun.runOnOwnThread(directory.appendingPathComponent("herdwatch").path, arguments, environment: environment)
    }

    public static func agent(_ arguments: String...) async throws -> ProgramRun {
        try await ProgramRun.runOnOwnThread(directory.appendingPathComponent("herdwatch-agent").path, arguments)
    }

    /// The repository root, for files such as ops/herdwatch.yaml.
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}
