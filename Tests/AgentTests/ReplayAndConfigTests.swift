import Foundation
import PostgresFixture
import Settings
import AgentRuntime
import Testing

@Suite struct ReplayAndConfigTests {
    @Test func replayingTwiceStoresEachEventOnceAndExitCodesAreDocumented() async throws {
        try await MigratedDatabase.with { database in
            let owner = try await TestLogin.createNamed("replayer", granted: "herdwatch_agent", in: database)
            let other = try await TestLogin.createNamed("other", granted: "herdwatch_agent", in: database)
            let directory = try TemporaryDirectory()
            let log = AuditLogWriter(path: directory.path + "/audit.log")
            try log.append(0..<300)
            try log.appendText("this is not an audit record\n")

            let first = try await runAgent(["replay", log.path, "--host", "web-01", "--database-url", owner.conninfo], in: directory.path)
            #expect(first.code == 0, "\(first.output)")
            #expect(first.output.contains("events 300, stored 300, duplicates skipped 0, malformed 1"), "\(first.output)")
            let second = try await runAgent(["replay", log.path, "--host", "web-01", "--database-url", owner.conninfo], in: directory.path)
            #expect(second.code == 0, "\(second.output)")
            #expect(second.output.contains("stored 0, duplicates skipped 300"), "\(second.output)")
            let stored = try await database.storedSerials(host: "web-01")
            #expect(stored.count == 300 && stored.values.allSatisfy { $0 == 1 })

            // --host-from-node: each event goes to the host its node= names.
            let nodes = directory.path + "/nodes.log"
            let text = (0..<40).map { serial in
                log.lines(serial: serial).split(separator: "\n").map { "node=web-0\(2 + serial % 2) \($0)\n" }.joined()
            }.joined()
            try text.write(toFile: nodes, atomically: true, encoding: .utf8)
            let byNode = try await runAgent(["replay", nodes, "--host-from-node", "--database-url", owner.conninfo], in: directory.path)
            #expect(byNode.code == 0, "\(byNode.output)")
            #expect(try await database.storedSerials(host: "web-02").count == 20)
            #expect(try await database.storedSerials(host: "web-03").count == 20)

            let refused = try await runAgent(["replay", log.path, "--host", "web-01", "--database-url", other.conninfo], in: directory.path)
            #expect(refused.code == 65, "\(refused.output)")
            let usage = try await runAgent(["replay", log.path], in: directory.path)
            #expect(usage.code == 64, "\(usage.output)")
            let missing = try await runAgent(["replay", directory.path + "/nonexistent", "--host", "web-01", "--database-url", owner.conninfo], in: directory.path)
            #expect(missing.code == 1, "\(missing.output)")
        }
    }

    @Test func checkConfigNamesTheWrongKeyAndTheFile() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/agent.yaml"
        try "source: log-file\nbatch:\n  event: 10\n".write(toFile: path, atomically: true, encoding: .utf8)
        let result = try await runAgent(["check-config", path], in: directory.path)
        #expect(result.code == 78)
        #expect(result.output.contains(path) && result.output.contains("batch.event") && result.output.contains("did you mean batch.events"), "\(result.output)")

        let good = directory.path + "/good.yaml"
        try "source: log-file\n".write(toFile: good, atomically: true, encoding: .utf8)
        let ok = try await runAgent(["check-config", good], in: directory.path)
        #expect(ok.code == 0, "\(ok.output)")
    }

    /// ops/agent.yaml shows every key with its default, and nothing else.
    @Test func opsAgentYAMLDocumentsEveryKeyWithItsDefault() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent("ops/agent.yaml").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let values = try SettingsFile.parse(text, source: path, keys: AgentSettings.keys)
        for key in AgentSettings.keys {
            #expect(values[key.name] != nil || key.defaultValue.isEmpty, "ops/agent.yaml does not document \(key.name)")
            #expect((values[key.name] ?? "") == key.defaultValue, "ops/agent.yaml shows a non-default \(key.name)")
            #expect(text.contains("\(key.name.split(separator: ".").last!):"), "ops/agent.yaml does not show \(key.name)")
        }
    }
}
