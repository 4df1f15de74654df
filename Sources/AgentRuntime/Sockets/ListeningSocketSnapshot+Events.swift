import FleetModel

extension ListeningSocketSnapshot {
    /// The record type of events synthesized from a snapshot rather than logged by the kernel.
    public static let recordType = "SNAPSHOT"

    /// The rule-key-like tag a snapshot event carries, one per transport:
    /// `herdwatch-snapshot-tcp`, `herdwatch-snapshot-udp`. Kept beside ``AuditSocketAddress/proto``
    /// (which learning reads) so events stored before that field existed still tell.
    public static func key(transport: String) -> String { "herdwatch-snapshot-\(transport)" }

    /// The serial of a snapshot's first event; the next ones count down from it.
    public static let firstSerial = UInt32.max

    /// The snapshot as events the agent ships beside the kernel's, one per ``ListeningSocket``.
    ///
    /// They are synthesized, not logged: kind `.listen`, `recordTypes == ["SNAPSHOT"]`, no
    /// syscall, and ``key(transport:)`` in `keys`, so learning can tell them from a `listen`
    /// syscall and the evidence says where they came from. The address is the first of the
    /// socket's addresses; the process is its lowest pid.
    ///
    /// No kernel serial exists, but the stored event key is (host, boot, time, serial): events of
    /// one snapshot share their time, so each gets its own serial counting down from 2³²−1,
    /// far from the kernel's serials, which count up from 1 at boot.
    /// - Parameters:
    ///   - timestampMilliseconds: when the snapshot was taken (wall time, passed in).
    ///   - node: the host name the agent reports as.
    public func events(timestampMilliseconds: Int64, node: String?) -> [AuditEvent] {
        sockets.enumerated().map { index, socket in
            let address = socket.addresses.first
            let family = address.map { $0.contains(":") ? "inet6" : "inet" } ?? (socket.isIPv6 ? "inet6" : "inet")
            return AuditEvent(
                timestampMilliseconds: timestampMilliseconds, serial: Self.firstSerial - UInt32(index), node: node, kind: .listen,
                recordTypes: [Self.recordType],
                process: AuditProcess(pid: socket.pids.first, comm: socket.comm, exe: socket.exe),
                user: AuditUser(uid: socket.uid),
                socket: AuditSocketAddress(family: family, address: address, port: socket.port, proto: socket.transport),
                keys: [Self.key(transport: socket.transport)], success: true)
        }
    }
}

extension AuditEvent {
    /// Whether this event was synthesized by ``ListeningSocketSnapshot`` rather than logged by the kernel.
    public var isListeningSnapshot: Bool {
        recordTypes == [ListeningSocketSnapshot.recordType]
    }
}
