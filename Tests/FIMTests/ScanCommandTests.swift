import Foundation
import Testing

/// The `herdwatch-agent` binary that `swift test` builds alongside the tests.
private let agentBinary = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent(".build/debug/herdwatch-agent")

/// Runs the built `herdwatch-agent scan` end to end: JSON lines out, clear errors.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: agentBinary.path)))
struct ScanCommandTests {
    struct Result {
        var status: Int32
        var output: String
        var error: String
    }

    func agent(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = agentBinary
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self), error: String(decoding: error, as: UTF8.self))
    }

    @Test func inventoryThenOneChangeThenNothing() throws {
        let tree = try TemporaryTree()
        try tree.write("a", "one")
        let arguments = ["scan", "--host", "web-1", "--path", tree.root, "--state-dir", tree.stateDirectory]
        let first = try agent(arguments)
        #expect(first.status == 0)
        let lines = first.output.split(separator: "\n")
        #expect(lines.count == 2)
        let objects = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.allSatisfy { $0?["kind"] as? String == "inventory" && $0?["host"] as? String == "web-1" })

        try tree.overwrite("a", "two")
        let second = try agent(arguments)
        let change = try JSONSerialization.jsonObject(with: Data(second.output.utf8)) as? [String: Any]
        #expect(change?["kind"] as? String == "modified")
        #expect((change?["old"] as? [String: Any])?["sha256"] as? String == TemporaryTree.sha256("one"))
        #expect((change?["new"] as? [String: Any])?["sha256"] as? String == TemporaryTree.sha256("two"))

        #expect(try agent(arguments).output.isEmpty)
    }

    @Test func missingPathIsAClearError() throws {
        let tree = try TemporaryTree()
        let result = try agent(["scan", "--host", "h", "--path", tree.path("missing"), "--state-dir", tree.stateDirectory])
        #expect(result.status != 0)
        #expect(result.error.contains("does not exist"))
        let noPath = try agent(["scan", "--host", "h"])
        #expect(noPath.error.contains("give at least one --path"))
    }

    @Test func helpDocumentsTheOutput() throws {
        let help = try agent(["scan", "--help"]).output
        #expect(help.contains("--state-dir"))
        #expect(help.contains("old/new states"))
    }
}
