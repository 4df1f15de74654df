import Foundation
import LibPQ
import PostgresFixture
import Testing

/// The lineage table survives `herdwatch-agent run` restarts (in the state directory, same boot).
@Suite struct AgentLineageTests {
    /// One execve of `exe` by `pid`, child of `ppid`, as auditd writes it.
    func exec(_ writer: AuditLogWriter, serial: Int, pid: Int, ppid: Int, exe: String) -> String {
        let time = writer.baseMilliseconds + Int64(serial) * 7
        let stamp = "\(time / 1000).\(String(format: "%03d", Int(time % 1000))):\(serial)"
        return """
            type=SYSCALL msg=audit(\(stamp)): arch=c000003e syscall=59 success=yes exit=0 a0=5 a1=6 a2=7 a3=0 items=1 ppid=\(ppid) pid=\(pid) auid=1000 uid=0 gid=0 euid=0 tty=(none) ses=3 comm="x" exe="\(exe)" key="exec"
            type=EOE msg=audit(\(stamp)): 

            """
    }

    @Test func childAfterARestartGetsTheParentSeenBeforeIt() async throws {
        try await MigratedDatabase.with { database in
            let login = try await TestLogin.createNamed("lineage", granted: "herdwatch_agent", in: database)
            let directory = try TemporaryDirectory()
            let log = AuditLogWriter(path: directory.path + "/audit.log")
            try log.appendText(exec(log, serial: 1, pid: 4_000, ppid: 1, exe: "/usr/sbin/nginx"))
            let config = try writeAgentConfig(in: directory.path, logPath: log.path, conninfo: login.conninfo)
            let host = thisHostName

            let first = try AgentProcess(["run", "--config", config], outputPath: directory.path + "/agent.out")
            #expect(try await eventually { try await database.storedSerials(host: host).count == 1 }, "\(first.output)")
            first.signal(SIGTERM)
            #expect(try await first.wait() == 0, "\(first.output)")
            #expect(FileManager.default.fileExists(atPath: directory.path + "/state/lineage.cache"), "\(first.output)")

            // After the restart the log resumes past the parent's exec: only the saved table knows it.
            try log.appendText(exec(log, serial: 2, pid: 4_001, ppid: 4_000, exe: "/usr/bin/dash"))
            let second = try AgentProcess(["run", "--config", config], outputPath: directory.path + "/agent2.out")
            #expect(try await eventually { try await database.storedSerials(host: host).count == 2 }, "\(second.output)")
            second.signal(SIGTERM)
            #expect(try await second.wait() == 0, "\(second.output)")
            #expect(second.output.contains("lineage cache loaded"), "\(second.output)")
            let connection = try await database.connect()
            let parent = try await connection.query("SELECT parent_exe FROM herdwatch.events WHERE serial = 2").first
            #expect(try parent?.decode(String?.self, at: 0) == "/usr/sbin/nginx")

            // A file of another boot (or a damaged one) is ignored, never fatal.
            try "herdwatch-lineage 1 not-this-boot 1\n4000 15 /usr/sbin/nginx\n".write(
                toFile: directory.path + "/state/lineage.cache", atomically: true, encoding: .utf8)
            try log.appendText(exec(log, serial: 3, pid: 4_002, ppid: 4_000, exe: "/usr/bin/dash"))
            let third = try AgentProcess(["run", "--config", config], outputPath: directory.path + "/agent3.out")
            #expect(try await eventually { try await database.storedSerials(host: host).count == 3 }, "\(third.output)")
            third.signal(SIGTERM)
            #expect(try await third.wait() == 0, "\(third.output)")
            #expect(third.output.contains("lineage cache is of an earlier boot"), "\(third.output)")
            let orphan = try await connection.query("SELECT parent_exe FROM herdwatch.events WHERE serial = 3").first
            #expect(try orphan?.decode(String?.self, at: 0) == nil)
        }
    }
}
