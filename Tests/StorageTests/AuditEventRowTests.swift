import AuditCore
import FleetModel
import Foundation
import LibPQ
import PostgresFixture
import Storage
import Testing

@Suite("Stored events from a real kernel capture")
struct AuditEventRowTests {
    static func capturedEvents() throws -> [AuditEvent] {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("AuditCoreTests/Fixtures/capture-raw.log")
        let bytes = try Data(contentsOf: fixture)
        var decoder = AuditLogDecoder()
        var events: [AuditEvent] = []
        let collect: (AuditLogDecoder.Output) -> Void = { if case .event(let event) = $0 { events.append(event) } }
        bytes.withUnsafeBytes { decoder.bytesReceived($0, collect) }
        decoder.streamEnded(collect)
        return events
    }

    @Test func everyCapturedEventIsStoredWithItsTypedColumnsAndDetail() async throws {
        let events = try Self.capturedEvents()
        #expect(events.count > 20)
        var json = AuditEventJSON()
        let rows = events.map { IngestRow($0, bootID: "6f1c0e9e-2b7a-4c1e-9d55-3a0f1f7c9b21", json: &json) }
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            let outcome = try await connection.withSession { session in
                try EventIngest.ingest(rows, hostname: "capture-host", machineID: nil, session: session)
            }
            #expect(outcome == .init(stored: events.count, duplicates: 0))

            // Each typed column holds what the parser produced, event by event.
            let stored = try await connection.query(
                """
                SELECT serial, kind, exe, argv, host(address), port, detail->'records', detail->'syscall'->>'arch'
                FROM herdwatch.events ORDER BY serial
                """
            ).rows
            #expect(stored.count == events.count)
            for (event, row) in zip(events.sorted { $0.serial < $1.serial }, stored) {
                #expect(try row.decode(Int64.self, at: 0) == Int64(event.serial))
                #expect(try row.decode(String.self, at: 1) == event.kind.rawValue)
                #expect(try row.decode(String?.self, at: 2) == (event.process.exe ?? event.userMessage?.exe))
                #expect(try row.decode([String?]?.self, at: 3) ?? [] == event.process.argv.map(Optional.some))
                if let address = event.socket?.address, event.socket?.family == "inet" {
                    #expect(try row.decode(String?.self, at: 4) == address)
                    #expect(try row.decode(Int?.self, at: 5) == event.socket?.port.map(Int.init))
                }
                #expect(try row.decode(String.self, at: 6).contains(event.recordTypes.first ?? "none"))
                #expect(try row.decode(String?.self, at: 7) == event.syscall?.arch)
            }
            // The capture holds a connect to 127.0.0.1 and an execve: both kinds are there.
            let kinds = try await connection.query("SELECT array_agg(DISTINCT kind ORDER BY kind) FROM herdwatch.events")
            let kindList = try kinds.first!.decode([String?].self, at: 0).compactMap { $0 }
            #expect(kindList.contains("exec") && kindList.contains("connect"))
        }
    }

    @Test func aNULInAHostileLogIsStoredEscaped() async throws {
        // EXECVE a1 in hex holds a NUL byte, which a hostile log file can carry and the kernel never writes.
        let log = """
            type=SYSCALL msg=audit(1795460000.123:42): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=1 ppid=1 pid=2 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm="x" exe="/usr/bin/x" key="exec"
            type=EXECVE msg=audit(1795460000.123:42): argc=2 a0="x" a1=6E756C006E756C
            type=EOE msg=audit(1795460000.123:42):

            """
        var decoder = AuditLogDecoder()
        var events: [AuditEvent] = []
        let collect: (AuditLogDecoder.Output) -> Void = { if case .event(let event) = $0 { events.append(event) } }
        Array(log.utf8).withUnsafeBytes { decoder.bytesReceived($0, collect) }
        decoder.streamEnded(collect)
        #expect(events.first?.process.argv == ["x", "nul%00nul"])
        var json = AuditEventJSON()
        let rows = events.map { IngestRow($0, bootID: nil, json: &json) }
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            let outcome = try await connection.withSession { session in
                try EventIngest.ingest(rows, hostname: "web-01", machineID: nil, session: session)
            }
            #expect(outcome.stored == 1)
            let argv = try await connection.query("SELECT argv[2] FROM herdwatch.events").first!.decode(String.self, at: 0)
            #expect(AuditText.bytes(argv) == Array("nul".utf8) + [0] + Array("nul".utf8))
        }
    }

    @Test func detailHoldsExactlyWhatHasNoColumn() {
        var event = AuditEvent(
            timestampMilliseconds: 1_795_460_000_123, serial: 9, node: "n1", kind: .connect,
            recordTypes: ["SYSCALL", "SOCKADDR"],
            syscall: AuditSyscall(arch: "x86_64", number: 42, name: "connect", exit: -115, arguments: [1, 2]),
            keys: ["net", "egress"], success: false)
        event.process = AuditProcess(pid: 7, ppid: 1, comm: "curl", exe: "/usr/bin/curl", argv: ["curl", "x"], cwd: "/", proctitle: "curl x", tty: "pts0")
        event.user = AuditUser(uid: 0, euid: 0, gid: 0, auid: 1000, ses: 3)
        event.user.uidName = "root"
        event.user.auidName = "alice"
        event.paths = [AuditPath(name: "/tmp/s")]
        event.socket = AuditSocketAddress(family: "unix", path: "/run/x.sock")
        event.userMessage = AuditUserMessage(op: "connect", acct: "alice", addr: "1.2.3.4", result: "failed")
        var json = AuditEventJSON()
        let row = IngestRow(event, bootID: nil, json: &json)
        #expect(row.detail == #"{"records":["SYSCALL","SOCKADDR"],"node":"n1","syscall":{"arch":"x86_64","number":42,"args":[1,2]},"process":{"proctitle":"curl x","tty":"pts0"},"user":{"gid":0,"uid_name":"root","auid_name":"alice"},"paths":[{"name":"/tmp/s"}],"socket":{"family":"unix","path":"/run/x.sock"},"keys":["net","egress"],"user_message":{"op":"connect","addr":"1.2.3.4"}}"#)
        // An event whose every field has a column gets the smallest detail.
        let bare = IngestRow(AuditEvent(timestampMilliseconds: 0, serial: 1, kind: .exec), bootID: nil, json: &json)
        #expect(bare.detail == #"{"records":[]}"#)
    }

    /// What the service's tamper detection reads from a CONFIG_CHANGE event's stored detail.
    @Test func configChangesAreStoredInTheDetail() async throws {
        var agentReload = AuditEvent(timestampMilliseconds: 1_795_460_000_123, serial: 1, kind: .auditConfig)
        agentReload.config = AuditConfigChange(op: "remove_rule", list: 4, byAgent: true)
        agentReload.keys = ["exec"]
        var disabled = AuditEvent(timestampMilliseconds: 1_795_460_000_124, serial: 2, kind: .auditConfig)
        disabled.config = AuditConfigChange(op: "set", setting: "audit_enabled", value: "0", old: "1")
        var hostile = AuditEvent(timestampMilliseconds: 1_795_460_000_125, serial: 3, kind: .auditConfig)
        hostile.config = AuditConfigChange(op: "set\"}'; --", setting: "audit_pid", value: "1%25%FF\u{1}", old: "\\N")
        var json = AuditEventJSON()
        let rows = [agentReload, disabled, hostile].map { IngestRow($0, bootID: nil, json: &json) }
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            let outcome = try await connection.withSession { session in
                try EventIngest.ingest(rows, hostname: "web-01", machineID: nil, session: session)
            }
            #expect(outcome.stored == 3)
            let stored = try await connection.query(
                """
                SELECT detail->'config'->>'op', detail->'config'->>'setting', detail->'config'->>'value',
                       detail->'config'->>'old', detail->'config'->>'list', detail->'config'->>'by_agent'
                FROM herdwatch.events ORDER BY serial
                """
            ).rows.map { row in try (0..<6).map { try row.decode(String?.self, at: $0) } }
            #expect(stored == [
                ["remove_rule", nil, nil, nil, "4", "true"],
                ["set", "audit_enabled", "0", "1", nil, nil],
                ["set\"}'; --", "audit_pid", "1%25%FF\u{1}", "\\N", nil, nil],
            ])
        }
    }

    @Test func hostileFieldsCannotBreakTheBatch() async throws {
        var event = AuditEvent(timestampMilliseconds: 1_795_460_000_123, serial: 7, kind: .connect)
        event.process.argv = ["sh", "-c", "echo '\\N'\t\n\r\u{1}\"}{", "\\.", ""]
        event.process.exe = "/tmp/\\x41\tevil"
        event.socket = AuditSocketAddress(family: "inet", address: "999.1.2.3", port: 80)
        event.userMessage = AuditUserMessage(addr: "not an address'; DROP TABLE x; --")
        var json = AuditEventJSON()
        let row = IngestRow(event, bootID: nil, json: &json)
        #expect(row.address == nil)
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            let outcome = try await connection.withSession { session in
                try EventIngest.ingest([row], hostname: "web-01", machineID: nil, session: session)
            }
            #expect(outcome.stored == 1)
            let stored = try await connection.query("SELECT argv, exe, detail->'user_message'->>'addr' FROM herdwatch.events").first!
            #expect(try stored.decode([String?].self, at: 0).compactMap { $0 } == event.process.argv)
            #expect(try stored.decode(String.self, at: 1) == event.process.exe)
            #expect(try stored.decode(String.self, at: 2) == "not an address'; DROP TABLE x; --")
        }
    }
}
