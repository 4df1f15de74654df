import FleetModel

/// Remembers the transport each audited `socket(2)` call gave its fd, so a later `connect`,
/// `bind` or `listen` on the same pid and fd says whether it is TCP or UDP: SOCKADDR carries
/// only the address, and DNS to port 53 over UDP is not the same fact as over TCP.
///
/// `socket(domain, type, protocol)` is `a0`, `a1`, `a2` in the SYSCALL record (hexadecimal) and
/// its `exit` is the new fd (`man 2 socket`). `type & 0xf` is the socket type without the
/// `SOCK_NONBLOCK`/`SOCK_CLOEXEC` flags (`<linux/net.h>`): `SOCK_STREAM` 1 is TCP and `SOCK_DGRAM` 2
/// is UDP for `AF_INET` 2 and `AF_INET6` 10, when the protocol is 0 or the matching
/// `IPPROTO_TCP` 6 / `IPPROTO_UDP` 17; anything else (SCTP, ICMP ping sockets, raw) is left unknown.
///
/// Pure and bounded (a ``BoundedMap``). `close` and `dup` are not audited: a reused fd is
/// overwritten by the next `socket()` that returns it, and a child's inherited fd (another pid)
/// stays unknown. Unknown leaves ``AuditSocketAddress/proto`` nil; it never guesses.
public struct SocketTypes: Sendable {
    var transports: BoundedMap<ProcessSocket, String>

    public init(capacity: Int = 16_384) {
        transports = BoundedMap(capacity: capacity)
    }

    /// Remembers a successful `socket()`'s transport; sets it on an inet socket address of a
    /// later syscall (`connect`, `bind`, `listen`, …) whose first argument is that fd.
    public mutating func eventSeen(_ event: inout AuditEvent) {
        guard let pid = event.process.pid, let call = event.syscall else { return }
        if call.name == "socket" {
            guard let fd = call.exit, fd >= 0, call.arguments.count >= 3 else { return }
            let key = ProcessSocket(pid: pid, fd: UInt64(fd))
            if let transport = Self.transport(domain: call.arguments[0], type: call.arguments[1], protocol: call.arguments[2]) {
                transports[key] = transport
            } else {
                transports[key] = nil  // a non-inet socket on a reused fd: forget the old one
            }
            return
        }
        guard event.socket?.proto == nil, let family = event.socket?.family, family == "inet" || family == "inet6",
            let fd = call.arguments.first, let transport = transports[ProcessSocket(pid: pid, fd: fd)]
        else { return }
        event.socket?.proto = transport
    }

    /// `tcp`, `udp` or nil for `socket(domain, type, protocol)`'s arguments.
    static func transport(domain: UInt64, type: UInt64, protocol: UInt64) -> String? {
        guard domain == 2 || domain == 10 else { return nil }  // AF_INET, AF_INET6
        switch (type & 0xf, `protocol`) {
        case (1, 0), (1, 6): return "tcp"  // SOCK_STREAM, IPPROTO_TCP
        case (2, 0), (2, 17): return "udp"  // SOCK_DGRAM, IPPROTO_UDP
        default: return nil
        }
    }
}
