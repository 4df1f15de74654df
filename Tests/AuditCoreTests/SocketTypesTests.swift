import AuditCore
import FleetModel
import Testing

@Suite struct SocketTypesTests {
    /// x86_64: socket 41, connect 42, bind 49, listen 50. `a1=80802` is SOCK_DGRAM|SOCK_NONBLOCK|SOCK_CLOEXEC.
    func connects(_ lines: String) -> [AuditEvent] {
        events(decode(Array(lines.utf8)).outputs).filter { $0.kind == .connect || $0.kind == .listen }
    }

    @Test func socketThenConnectOnTheSamePidAndFdCarriesTheTransport() {
        let out = connects("""
            type=SYSCALL msg=audit(1.000:1): arch=c000003e syscall=41 success=yes exit=5 a0=2 a1=80802 a2=0 a3=0 ppid=1 pid=30 comm="resolved" exe="/usr/lib/systemd/systemd-resolved"
            type=SYSCALL msg=audit(1.001:2): arch=c000003e syscall=42 success=yes exit=0 a0=5 a1=7ffd a2=10 a3=0 ppid=1 pid=30 comm="resolved" exe="/usr/lib/systemd/systemd-resolved"
            type=SOCKADDR msg=audit(1.001:2): saddr=02000035080808080000000000000000
            type=SYSCALL msg=audit(1.002:3): arch=c000003e syscall=41 success=yes exit=6 a0=a a1=1 a2=6 a3=0 ppid=1 pid=30 comm="resolved" exe="/usr/lib/systemd/systemd-resolved"
            type=SYSCALL msg=audit(1.003:4): arch=c000003e syscall=42 success=no exit=-115 a0=6 a1=7ffd a2=1c a3=0 ppid=1 pid=30 comm="resolved" exe="/usr/lib/systemd/systemd-resolved"
            type=SOCKADDR msg=audit(1.003:4): saddr=0A000035000000002001486048600000000000000000888800000000
            type=SYSCALL msg=audit(1.004:5): arch=c000003e syscall=42 success=yes exit=0 a0=5 a1=7ffd a2=10 a3=0 ppid=30 pid=31 comm="child" exe="/usr/bin/child"
            type=SOCKADDR msg=audit(1.004:5): saddr=02000035080808080000000000000000

            """)
        #expect(out.map(\.socket?.proto) == ["udp", "tcp", nil])  // pid 31's fd 5 was never seen created
        #expect(out.first?.socket?.port == 53)
    }

    @Test func withoutSocketCallTheTransportIsUnknown() {
        let out = connects("""
            type=SYSCALL msg=audit(1.000:1): arch=c000003e syscall=42 success=yes exit=0 a0=5 a1=7ffd a2=10 a3=0 ppid=1 pid=30 comm="nc" exe="/bin/nc"
            type=SOCKADDR msg=audit(1.000:1): saddr=02000035080808080000000000000000

            """)
        #expect(out.count == 1 && out[0].socket?.proto == nil)
    }

    @Test func reusedFdAndFailedSocketAndBindThenListen() {
        let out = connects("""
            type=SYSCALL msg=audit(1.000:1): arch=c000003e syscall=41 success=yes exit=4 a0=2 a1=2 a2=0 a3=0 ppid=1 pid=40 comm="d" exe="/bin/d"
            type=SYSCALL msg=audit(1.001:2): arch=c000003e syscall=41 success=yes exit=4 a0=1 a1=1 a2=0 a3=0 ppid=1 pid=40 comm="d" exe="/bin/d"
            type=SYSCALL msg=audit(1.002:3): arch=c000003e syscall=42 success=yes exit=0 a0=4 a1=7ffd a2=10 a3=0 ppid=1 pid=40 comm="d" exe="/bin/d"
            type=SOCKADDR msg=audit(1.002:3): saddr=02000035080808080000000000000000
            type=SYSCALL msg=audit(1.003:4): arch=c000003e syscall=41 success=no exit=-24 a0=2 a1=2 a2=0 a3=0 ppid=1 pid=40 comm="d" exe="/bin/d"
            type=SYSCALL msg=audit(1.004:5): arch=c000003e syscall=41 success=yes exit=7 a0=2 a1=1 a2=0 a3=0 ppid=1 pid=40 comm="d" exe="/bin/d"
            type=SYSCALL msg=audit(1.005:6): arch=c000003e syscall=49 success=yes exit=0 a0=7 a1=7ffd a2=10 a3=0 ppid=1 pid=40 comm="d" exe="/bin/d"
            type=SOCKADDR msg=audit(1.005:6): saddr=02001F90000000000000000000000000
            type=SYSCALL msg=audit(1.006:7): arch=c000003e syscall=50 success=yes exit=0 a0=7 a1=80 a2=0 a3=0 ppid=1 pid=40 comm="d" exe="/bin/d"

            """)
        // fd 4 was reused by an AF_UNIX socket: the earlier UDP type is forgotten.
        #expect(out.map(\.socket?.proto) == [nil, "tcp"])
        #expect(out.last?.kind == .listen && out.last?.socket?.port == 8080)
    }

    @Test func jsonCarriesTheProtocolInBothEncodings() {
        let event = AuditEvent(
            timestampMilliseconds: 0, serial: 1, kind: .connect,
            socket: AuditSocketAddress(family: "inet", address: "10.0.0.1", port: 53, proto: "udp"))
        var json = AuditEventJSON()
        json.write(event)
        json.writeDetail(event)
        let text = json.withBytes { String(decoding: $0, as: UTF8.self) }
        #expect(text.contains(#""socket":{"family":"inet","address":"10.0.0.1","port":53,"proto":"udp"}"#))
        #expect(text.contains(#""socket":{"family":"inet","proto":"udp"}"#))
    }
}
