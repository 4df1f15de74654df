import Foundation
import Glibc
import LibPQ
import PostgresFixture
import Testing

/// What `run` adds to and removes from live events before they leave the host.
@Suite struct AgentEnrichmentTests {
    /// An execve whose command line holds secrets, as auditd logs it (hex where an argument has
    /// a space or a quote).
    static func secretCommandLine(serial: Int) -> String {
        func hex(_ text: String) -> String { text.utf8.map { String(format: "%02X", $0) }.joined() }
        let stamp = "1790000000.\(String(format: "%03d", serial % 1000)):\(serial)"
        return """
            type=SYSCALL msg=audit(\(stamp)): arch=c000003e syscall=59 success=yes exit=0 a0=5 a1=6 a2=7 a3=0 items=1 ppid=100 pid=4242 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=3 comm="mysql" exe="/usr/bin/mysql" key="exec"
            type=EXECVE msg=audit(\(stamp)): argc=5 a0="mysql" a1="-pS3cretPass" a2="--password=hunter2" a3=\(hex("PGPASSWORD=tiger psql")) a4="db"
            type=EOE msg=audit(\(stamp)): 

            """
    }

    @Test func secretsAreRedactedAndListeningSocketsAreShipped() async throws {
        // A listener in this process, so the agent's first snapshot has something of ours to find;
        // close-on-exec, or every process started meanwhile (PostgreSQL) would hold it too.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try #require(withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } } == 0)
        try #require(listen(listener, 1) == 0)
        try #require(withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } } == 0)
        let port = Int(UInt16(bigEndian: address.sin_port))

        try await MigratedDatabase.with { database in
            let login = try await TestLogin.createNamed("enrich", granted: "herdwatch_agent", in: database)
            let directory = try TemporaryDirectory()
            let log = AuditLogWriter(path: directory.path + "/audit.log")
            try log.appendText(Self.secretCommandLine(serial: 7))
            let config = try writeAgentConfig(
                in: directory.path, logPath: log.path, conninfo: login.conninfo, socketSnapshotSeconds: 3600)
            let agent = try AgentProcess(["run", "--config", config], outputPath: directory.path + "/agent.out")
            defer { agent.signal(SIGTERM) }

            #expect(try await eventually { try await database.scalar("SELECT count(*) FROM herdwatch.events WHERE serial = 7") == 1 }, "\(agent.output)")
            let connection = try await database.connect()
            let argv = try await connection.query("SELECT argv FROM herdwatch.events WHERE serial = 7").first!.decode([String?].self, at: 0)
            let stored = argv.compactMap { $0 }.joined(separator: " ")
            for secret in ["S3cretPass", "hunter2", "tiger"] {
                #expect(!stored.contains(secret), "\(secret) reached the database: \(stored)")
            }
            #expect(stored.contains("[REDACTED:"), "\(stored)")
            #expect(argv.first == "mysql" && argv.last == "db", "other arguments are kept: \(stored)")
            // This host's user database named uid 0.
            #expect(try await connection.query("SELECT detail->'user'->>'uid_name' FROM herdwatch.events WHERE serial = 7").first!.decode(String?.self, at: 0) == "root")

            // The snapshot found our listener, with this test process as its program.
            let ownExe = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
            #expect(try await eventually {
                try await database.scalar(
                    "SELECT count(*) FROM herdwatch.events WHERE kind = 'listen' AND port = \(port) AND detail->'records' ? 'SNAPSHOT'") >= 1
            }, "\(agent.output)")
            let owners = try await connection.query(
                "SELECT exe FROM herdwatch.events WHERE kind = 'listen' AND port = $1", [.int(port)]
            ).rows.map { try $0.decode(String?.self, at: 0) }
            #expect(owners == [ownExe], "one listen event, naming this test process as the socket's owner")
            agent.signal(SIGTERM)
            #expect(try await agent.wait() == 0, "\(agent.output)")
        }
    }
}

/// `herdwatch-agent audisp FILE`, as auditd's plugin dispatcher runs it: records on standard
/// input until it ends, then everything stored and exit 0.
@Suite struct AudispPluginTests {
    @Test func recordsOnStandardInputAreStoredAndEndOfInputExitsCleanly() async throws {
        try await MigratedDatabase.with { database in
            let login = try await TestLogin.createNamed("audisp", granted: "herdwatch_agent", in: database)
            let directory = try TemporaryDirectory()
            let input = AuditLogWriter(path: directory.path + "/records")
            try input.append(0..<120)
            // The source comes from the command, whatever the file says.
            let config = try writeAgentConfig(in: directory.path, logPath: directory.path + "/unused.log", conninfo: login.conninfo)
            let run = try await ProgramRun.runOnOwnThread(
                AgentProcess.executable, ["audisp", config], mergeOutput: true, standardInput: input.path)
            #expect(run.exitCode == 0, "\(run.standardOutput)")
            #expect(run.standardOutput.contains("agent.source=stdin"), "\(run.standardOutput)")
            #expect(try await database.storedSerials(host: thisHostName).count == 120)
        }
    }
}
