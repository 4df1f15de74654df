import FleetModel

/// Remembers the address each `bind` gave a socket, so a later `listen` on the same pid and fd
/// carries the port: `listen(2)` takes only the fd, and its event has no SOCKADDR.
///
/// The fd is the syscall's first argument (`a0`, hexadecimal in the SYSCALL record). Pure and
/// bounded (a ``BoundedMap``); a successful `close` is not tracked, so a stale entry can survive
/// fd reuse until it ages out, which only matters when the new socket is never bound.
public struct SocketBindings: Sendable {
    var bound: BoundedMap<ProcessSocket, AuditSocketAddress>

    public init(capacity: Int = 16_384) {
        bound = BoundedMap(capacity: capacity)
    }

    /// Remembers a successful `bind`'s address; gives a `listen` without a socket the bound address.
    public mutating func eventSeen(_ event: inout AuditEvent) {
        // Kind first: most events are neither, and reading `event.syscall` copies it.
        guard event.kind == .bind || event.kind == .listen, let pid = event.process.pid,
            let fd = event.syscall?.arguments.first
        else { return }
        switch event.kind {
        case .bind:
            if event.success != false, let socket = event.socket { bound[ProcessSocket(pid: pid, fd: fd)] = socket }
        case .listen:
            if event.socket == nil { event.socket = bound[ProcessSocket(pid: pid, fd: fd)] }
        default:
            break
        }
    }
}
