import AuditCore
import FleetModel
import Testing

/// Logs captured from this machine's kernel (Linux 6.18, auditd 3.0.9) by
/// `ops/capture-audit-fixtures.sh`: the same commands once with `log_format = RAW`, once with
/// `ENRICHED`. Every expected value below was checked by hand against the log lines
/// (hex decoded with `xxd -r -p`).
@Suite struct CapturedFixtureTests {
    @Test(arguments: ["capture-raw.log", "capture-enriched.log"])
    func execArguments(_ name: String) throws {
        let (outputs, stats) = decode(try fixture(name))
        let all = events(outputs)
        #expect(stats.malformed == 0)
        #expect(stats.records == 256)
        #expect(stats.lost == 0)
        let echoes = all.filter { $0.kind == .exec && $0.process.exe == "/usr/bin/echo" }
        try #require(echoes.count == 2)
        // a1=68656C6C6F20776F726C64 a2=69742773202271756F74656422 a3=7461620968657265
        #expect(echoes[0].process.argv == ["/bin/echo", "hello world", #"it's "quoted""#, "tab\there"])
        #expect(echoes[0].syscall?.name == "execve")
        #expect(echoes[0].syscall?.arch == "x86_64")
        #expect(echoes[0].success == true)
        // Its parent (the capture's bash) has not been seen as a pid yet; it is by the time of `rm`.
        #expect(echoes[0].process.parentExe == nil)
        #expect(all.first { $0.process.exe == "/usr/bin/rm" }?.process.parentExe == "/usr/bin/bash")
        #expect(echoes[0].keys == ["hw-audit-core-14641"])
        #expect(echoes[0].paths.first?.name == "/bin/echo")
        #expect(echoes[0].paths.first?.mode == 0o100755)
        // a1=FFFE206E6F74207574662D38: invalid UTF-8 in the lossless text form.
        #expect(echoes[1].process.argv == ["/bin/echo", "%FF%FE not utf-8"])
        #expect(AuditText.bytes(echoes[1].process.argv[1]) == [0xFF, 0xFE] + Array(" not utf-8".utf8))
        // a1_len=18000 split over a1[0], a1[1], a1[2] in three EXECVE records.
        let truths = all.filter { $0.process.exe == "/usr/bin/true" }
        try #require(truths.count == 1)
        #expect(truths[0].recordTypes.filter { $0 == "EXECVE" }.count == 3)
        #expect(truths[0].process.argv == ["/bin/true", String(repeating: "a", count: 9000), "short"])
    }

    @Test(arguments: ["capture-raw.log", "capture-enriched.log"])
    func socketsAndWatches(_ name: String) throws {
        let all = events(decode(try fixture(name)).outputs)
        let binds = all.filter { $0.kind == .bind }
        let listens = all.filter { $0.kind == .listen }
        let connects = all.filter { $0.kind == .connect }
        try #require(binds.count == 2 && listens.count == 2 && connects.count == 1)
        #expect(binds[0].socket == AuditSocketAddress(family: "inet", address: "127.0.0.1", port: 0))
        #expect(binds[1].socket == AuditSocketAddress(family: "inet6", address: "::1", port: 0))
        // listen(2) has no SOCKADDR: the address comes from the bind on the same pid and fd.
        #expect(listens[0].socket == binds[0].socket)
        #expect(listens[1].socket == binds[1].socket)
        #expect(listens.map { $0.syscall?.arguments.first } == [3, 6])
        #expect(connects[0].socket?.address == "127.0.0.1")
        #expect(connects[0].socket?.port != 0)
        // The -w watch: open for write (create) and unlink of watched/file.txt.
        let files = all.filter { $0.kind == .file }
        #expect(files.map { $0.syscall?.name } == ["openat", "unlinkat"])
        #expect(files.allSatisfy { $0.paths.contains { $0.name?.hasSuffix("file.txt") == true } })
        // auditctl's rule changes and auditd's own start and end.
        #expect(all.filter { $0.kind == .auditConfig }.count == 6)
    }

    @Test func enrichedNames() throws {
        let all = events(decode(try fixture("capture-enriched.log")).outputs)
        let exec = try #require(all.first { $0.kind == .exec })
        #expect(exec.user.uidName == "root")
        #expect(exec.user.auidName == "unset")
        #expect(exec.user.uid == 0)
        #expect(exec.user.auid == 4_294_967_295)
        let raw = events(decode(try fixture("capture-raw.log")).outputs)
        #expect(raw.allSatisfy { $0.user.uidName == nil }, "RAW logs carry no names")
    }

    @Test func connectPortInRaw() throws {
        // saddr=0200B6ED7F000001…: AF_INET, port 0xB6ED = 46829, 127.0.0.1.
        let all = events(decode(try fixture("capture-raw.log")).outputs)
        #expect(all.first { $0.kind == .connect }?.socket == AuditSocketAddress(family: "inet", address: "127.0.0.1", port: 46829))
    }
}
