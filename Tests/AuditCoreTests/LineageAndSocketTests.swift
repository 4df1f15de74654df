import AuditCore
import FleetModel
import Testing

@Suite struct LineageAndSocketTests {
    @Test func boundedMapKeepsRecentAndBoundsSize() {
        var map = BoundedMap<Int, Int>(capacity: 4)
        for i in 0..<100 { map[i] = i }
        #expect(map.count <= 4)
        #expect(map[99] == 99 && map[98] == 98)
        #expect(map[0] == nil)
        map[98] = nil
        #expect(map[98] == nil)
    }

    @Test func boundedMapHitRefreshes() {
        // Capacity 4 = two generations of 2. Without the read, 1 and 2 age out together.
        var plain = BoundedMap<Int, Int>(capacity: 4)
        for i in 1...5 { plain[i] = i }
        #expect(plain.peek(1) == nil && plain.peek(2) == nil)
        var refreshed = BoundedMap<Int, Int>(capacity: 4)
        for i in 1...3 { refreshed[i] = i }
        #expect(refreshed[1] == 1)  // moves 1 to the young generation
        for i in 4...5 { refreshed[i] = i }
        #expect(refreshed.peek(1) == 1)
        #expect(refreshed.peek(2) == nil)
    }

    @Test func lineageFromEveryEventAndParentBeforeOwnPid() {
        var lineage = ProcessLineage(capacity: 16)
        // A connect from pid 10 (not an execve) teaches pid 10 → nginx.
        var connect = AuditEvent(timestampMilliseconds: 1, serial: 1, kind: .connect, process: AuditProcess(pid: 10, ppid: 1, exe: "/usr/sbin/nginx"))
        lineage.eventSeen(&connect)
        #expect(connect.process.parentExe == nil)
        // Its child execs a shell: the parent is nginx; then pid 11 maps to the shell.
        var exec = AuditEvent(timestampMilliseconds: 2, serial: 2, kind: .exec, process: AuditProcess(pid: 11, ppid: 10, exe: "/bin/sh"))
        lineage.eventSeen(&exec)
        #expect(exec.process.parentExe == "/usr/sbin/nginx")
        #expect(lineage.executable(of: 11) == "/bin/sh")
        // pid 10 itself re-execs: its parent lookup uses ppid 1 (unknown), and 10 now maps to the new image.
        var reexec = AuditEvent(timestampMilliseconds: 3, serial: 3, kind: .exec, process: AuditProcess(pid: 10, ppid: 1, exe: "/usr/sbin/nginx-new"))
        lineage.eventSeen(&reexec)
        #expect(lineage.executable(of: 10) == "/usr/sbin/nginx-new")
    }

    @Test func listenCarriesTheBoundPortOfTheSameFd() {
        var bindings = SocketBindings(capacity: 16)
        let address = AuditSocketAddress(family: "inet", address: "0.0.0.0", port: 8080)
        func event(_ kind: AuditEventKind, pid: Int32, fd: UInt64, socket: AuditSocketAddress? = nil, success: Bool = true) -> AuditEvent {
            AuditEvent(
                timestampMilliseconds: 0, serial: 0, kind: kind,
                syscall: AuditSyscall(arch: "x86_64", number: 0, name: kind.rawValue, exit: 0, arguments: [fd, 0, 0, 0]),
                process: AuditProcess(pid: pid), socket: socket, success: success)
        }
        var bind = event(.bind, pid: 5, fd: 3, socket: address)
        bindings.eventSeen(&bind)
        var otherFd = event(.listen, pid: 5, fd: 4)
        bindings.eventSeen(&otherFd)
        #expect(otherFd.socket == nil)
        var otherPid = event(.listen, pid: 6, fd: 3)
        bindings.eventSeen(&otherPid)
        #expect(otherPid.socket == nil)
        var listen = event(.listen, pid: 5, fd: 3)
        bindings.eventSeen(&listen)
        #expect(listen.socket == address)
        // A failed bind teaches nothing.
        var failed = event(.bind, pid: 7, fd: 3, socket: address, success: false)
        bindings.eventSeen(&failed)
        var listen7 = event(.listen, pid: 7, fd: 3)
        bindings.eventSeen(&listen7)
        #expect(listen7.socket == nil)
    }

    @Test func socketAddressFamilies() {
        func decode(_ hex: String) -> AuditSocketAddress? {
            let e = normalize(["type=SOCKADDR msg=audit(1.000:1): saddr=\(hex)"])
            return e.socket
        }
        // sockaddr_in: family 2 (LE), port 0x0050 (BE) = 80, 169.254.169.254 (go-libaudit normal.log).
        #expect(decode("02000050A9FEA9FE0000000000000000") == AuditSocketAddress(family: "inet", address: "169.254.169.254", port: 80))
        // sockaddr_in6: port 22, address :: (audit-rhel7.log).
        #expect(decode("0A000016000000000000000000000000000000000000000000000000") == AuditSocketAddress(family: "inet6", address: "::", port: 22))
        // ::ffff:10.0.0.1 and 2001:db8::1:0:0:1 (the longest zero run is compressed, RFC 5952 §4.2.3).
        #expect(decode("0A0001BB0000000000000000000000000000FFFF0A00000100000000")?.address == "::ffff:10.0.0.1")
        #expect(decode("0A0001BB0000000020010DB8000000000001000000000001")?.address == "2001:db8::1:0:0:1")
        // sockaddr_un with a path, and an abstract name (leading NUL) written with "@".
        #expect(decode("01002F7661722F72756E2F6E7363642F736F636B657400")?.path == "/var/run/nscd/socket")
        #expect(decode("0100006162630000")?.path == "@abc")  // trailing NUL padding dropped
        // sockaddr_nl: nl_pid 0x00001234.
        #expect(decode("10000000341200000000000000000000") == AuditSocketAddress(family: "netlink", netlinkPid: 0x1234))
        #expect(decode("0000") == AuditSocketAddress(family: "unspec"))
        #expect(decode("2A00") == AuditSocketAddress(family: "family=42"))
        #expect(decode("02") == nil)
    }

    @Test func valueEncodings() {
        let e = normalize([
            #"type=SYSCALL msg=audit(1.000:1): arch=c00000b7 syscall=37 success=no exit=-14 a0=ffffffffffffff9c ppid=1 pid=2 auid=4294967295 uid=0 gid=0 euid=0 tty=(none) ses=4294967295 comm=636F6D6D2077697468207370616365 exe="/bin/x" key=657865630136346269740178"#,
            #"type=CWD msg=audit(1.000:1): cwd=2F746D702F6120622063"#,
            #"type=PATH msg=audit(1.000:1): item=0 name=(null) inode=5 mode=0100644 ouid=1 ogid=2 nametype=NORMAL"#,
            #"type=PROCTITLE msg=audit(1.000:1): proctitle=2F62696E2F78002D6100"#,
            #"type=EXECVE msg=audit(1.000:1): argc=3 a0="x" a1=top a2="""#,
        ])
        #expect(e.syscall == AuditSyscall(arch: "aarch64", number: 37, name: "linkat", exit: -14, arguments: [0xffff_ffff_ffff_ff9c]))
        #expect(e.success == false)
        #expect(e.process.comm == "comm with space")  // bare hex
        #expect(e.process.tty == nil)  // (none)
        #expect(e.keys == ["exec", "64bit", "x"])  // 0x01-separated keys, hex encoded
        #expect(e.process.cwd == "/tmp/a b c")
        #expect(e.paths == [AuditPath(name: nil, nametype: "NORMAL", inode: 5, mode: 0o100644, ouid: 1, ogid: 2)])  // (null)
        #expect(e.process.proctitle == "/bin/x -a")  // NULs as separators, trailing NUL dropped
        #expect(e.process.argv == ["x", "top", ""])  // quoted, bare non-hex word as is, empty
        #expect(e.user.auid == 4_294_967_295)
    }

    @Test func splitArgumentsOutOfRecordOrder() {
        // a1 split in chunks; a2 in the next record; the chunks of one argument concatenate in order.
        let e = normalize([
            #"type=EXECVE msg=audit(1.000:1): argc=3 a0="cat" a1_len=6 a1[0]="abc""#,
            #"type=EXECVE msg=audit(1.000:1): a1[1]=646566 a2="z""#,
        ])
        #expect(e.process.argv == ["cat", "abcdef", "z"])
    }
}
