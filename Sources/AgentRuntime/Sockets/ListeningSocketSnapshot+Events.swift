import FleetModel

extension ListeningSocketSnapshot {
    /// The record type of events synthesized from a snapshot rather than logged by the kernel.
    public static let recordType = "SNAPSHOT"

    /// The rule-key-like tag a snapshot event carries, one per transport, because
    /// ``AuditSocketAddress`` has no protocol field: `herdwatch-snapshot-tcp`, `herdwatch-snapshot-udp`.
    public static func key(transport: String) -> String { "herdwatch-snapshot-\(transport)" }

    /// The snapshot as events the agent ships beside the kernel's, one per ``ListeningSocket``.
    ///
    /// They are synthesized, not logged: kind `.listen`, `recordTypes == ["SNAPSHOT"]`, serial 0
    /// (no kernel serial exists), no syscall, and ``key(transport:)`` in `keys`, so learning can
    /// tell them from a `listen` syscall and the evidence says where they came from. The address
    /// is the first of the socket's addresses; the process is its lowest pid.
    /// - Parameters:
    ///   - timestampMilliseconds: when the snapshot was taken (wall time, passed in).
    ///   - node: the host name the agent reports as.
    public func events(timestampMilliseconds: Int64, node: String?) -> [AuditEvent] {
        sockets.map { socket in
            let address = socket.addresses.first
            let family = address.map { $0.contains(":") ? "inet6" : "inet" } ?? (socket.isIPv6 ? "inet6" : "inet")
            return AuditEvent(
                timestampMilliseconds: timestampMilliseconds, serial: 0, node: node, kind: .listen,
                recordTypes: [Self.recordType],
                process: AuditProcess(pid: socket.pids.first, comm: socket.comm, exe: socket.exe),
                user: AuditUser(uid: socket.uid),
                socket: AuditSocketAddress(family: family, address: address, port: socket.port),
                keys: [Self.key(transport: socket.transport)], success: true)
        }
    }
}

extension AuditEvent {
    /// Whether this event was synthesized by ``ListeningSocketSnapshot`` rather than logged by the kernel.
    public var isListeningSnapshot: Bool {
        serial == 0 && recordTypes == [ListeningSocketSnapshot.recordType]
    }
}
