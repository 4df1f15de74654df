import Foundation
import PostgresFixture
import Testing

@Suite("herdwatch-agent parse, end to end")
struct AgentParseCommandTests {
    static let log = """
        type=SYSCALL msg=audit(1795460000.123:42): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=1 ppid=1 pid=2 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm="curl" exe="/usr/bin/curl" key="exec"
        type=EXECVE msg=audit(1795460000.123:42): argc=3 a0="curl" a1=2D64206974277320 a2="http://203.0.113.66:1337/"
        this line is not an audit record
        type=EOE msg=audit(1795460000.123:42):

        """

    func writeLog() throws -> String {
        let path = "/tmp/herdwatch-parse-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log"
        try Self.log.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func printsOneJSONObjectPerEventAndKeepsMalformedRecordsRaw() async throws {
        let path = try writeLog()
        defer { unlink(path) }
        let run = try await Executables.agent("parse", "--stats", path)
        #expect(run.exitCode == 0)
        let lines = run.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        let objects = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let malformed = try #require(objects.first { $0["malformed"] as? Bool == true })
        #expect(malformed["raw"] as? String == "this line is not an audit record")
        let event = try #require(objects.first { $0["serial"] as? Int == 42 })
        #expect(event["kind"] as? String == "exec")
        #expect(event["time"] as? String == "2026-11-23T18:53:20.123Z")  // python3: datetime.fromtimestamp(1795460000.123, utc)
        let process = try #require(event["process"] as? [String: Any])
        #expect(process["argv"] as? [String] == ["curl", "-d it's ", "http://203.0.113.66:1337/"])
        let stats = try JSONSerialization.jsonObject(with: Data(run.standardError.utf8)) as? [String: Int]
        #expect(stats == ["records": 4, "events": 1, "malformed": 1, "lost": 0])
    }

    @Test func aMissingFileIsAPlainErrorWithStatusOne() async throws {
        let run = try await Executables.agent("parse", "/nonexistent/audit.log")
        #expect(run.exitCode == 1)
        #expect(run.standardError.contains("/nonexistent/audit.log"))
        #expect(run.standardOutput.isEmpty)
    }
}
