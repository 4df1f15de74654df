import Foundation
import PostgresFixture

/// The built `herdwatch` and `herdwatch-agent`, which `swift test` builds beside the test bundle.
public enum Executables {
    public static let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()

    public static func herdwatch(_ arguments: String..., environment: [String: String] = [:]) throws -> ProgramRun {
        try ProgramRun.run(directory.appendingPathComponent("herdwatch").path, arguments, environment: environment)
    }

    public static func agent(_ arguments: String...) throws -> ProgramRun {
        try ProgramRun.run(directory.appendingPathComponent("herdwatch-agent").path, arguments)
    }

    /// The repository root, for files such as ops/herdwatch.yaml.
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}
