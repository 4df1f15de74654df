import Foundation
import Testing

/// The `herdwatch` binary that `swift test` builds alongside the tests.
private let herdwatchBinary = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent(".build/debug/herdwatch")

/// Runs the built `herdwatch simulate` end to end.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: herdwatchBinary.path)))
struct SimulateCommandTests {
    static let binary = herdwatchBinary

    struct Result {
        var status: Int32
        var output: String
        var error: String
    }

    func herdwatch(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = Self.binary
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

    func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("herdwatch-simulate-\(UUID().uuidString)")
    }

    @Test func writesLogsRolesAndGroundTruth() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try herdwatch(["simulate", "--out", directory.path, "--roles", "web:2,db:1", "--days", "2", "--attacks", "--seed", "9", "--end", "2026-11-21T00:00:00Z"])
        #expect(result.status == 0, "\(result.error)")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(files == ["db-01.log", "ground-truth.json", "roles.txt", "web-01.log", "web-02.log"])
        #expect(try String(contentsOf: directory.appendingPathComponent("roles.txt"), encoding: .utf8) == "web web-*\ndb db-*\n")
        let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("ground-truth.json"))) as? [[String: String]]
        #expect((truth?.count ?? 0) > 5)
        #expect(result.output.contains("wrote 3 host logs"))

        let again = try herdwatch(["simulate", "--out", directory.path, "--roles", "web:1"])
        #expect(again.status != 0)
        #expect(again.error.contains("not empty"))
    }

    @Test(arguments: [
        (["--roles", "web:0"], "count"), (["--roles", "Web:3"], "invalid role name"), (["--roles", "web"], "role:count"),
        (["--format", "xml"], "unknown --format"), (["--end", "tomorrow"], "RFC 3339"), (["--days", "0"], "--days"),
    ])
    func rejectsBadOptions(arguments: [String], message: String) throws {
        let result = try herdwatch(["simulate", "--out", temporaryDirectory().path] + arguments)
        #expect(result.status == 64, "\(result.error)")
        #expect(result.error.contains(message), "\(result.error)")
    }

    @Test func helpDocumentsTheAttackSet() throws {
        let result = try herdwatch(["simulate", "--help"])
        #expect(result.status == 0)
        for text in ["--roles", "--end", "--attacks", "--format", "--seed", "ground-truth.json", "/tmp/.x/kworkerd", "audit_tamper", "host_silent", "auth_failures"] {
            #expect(result.output.contains(text), "--help lacks \(text)")
        }
    }
}
