/// The four socket tables of proc(5) that the listening-socket snapshot reads.
public enum ProcNetProtocol: String, Sendable, Hashable, CaseIterable {
    case tcp, tcp6, udp, udp6

    /// The file under `/proc/net/` (proc(5) "/proc/net/tcp", "/proc/net/udp").
    public var fileName: String { rawValue }
    /// `tcp` or `udp`: what a listen term names, whatever the address family.
    public var transport: String { self == .tcp || self == .tcp6 ? "tcp" : "udp" }
    public var isIPv6: Bool { self == .tcp6 || self == .udp6 }
}

/// One line of `/proc/net/{tcp,tcp6,udp,udp6}`: a socket of this network namespace.
public struct SocketEntry: Sendable, Hashable {
    public var `protocol`: ProcNetProtocol
    /// Dotted IPv4 or RFC 5952 IPv6 text.
    public var localAddress: String
    public var localPort: UInt16
    public var remoteAddress: String
    public var remotePort: UInt16
    /// `st`: the kernel's TCP state number (`include/net/tcp_states.h`): 0x0A is `TCP_LISTEN`,
    /// 0x07 `TCP_CLOSE` (what an unconnected UDP socket shows).
    public var state: UInt8
    /// Effective uid of the socket's creator.
    public var uid: UInt32
    /// The socket's inode, as in the `socket:[INODE]` links of `/proc/[pid]/fd`; 0 for sockets
    /// with no file (TIME_WAIT, for one).
    public var inode: UInt64

    public init(
        protocol: ProcNetProtocol, localAddress: String, localPort: UInt16, remoteAddress: String, remotePort: UInt16,
        state: UInt8, uid: UInt32, inode: UInt64
    ) {
        self.protocol = `protocol`
        self.localAddress = localAddress
        self.localPort = localPort
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
        self.state = state
        self.uid = uid
        self.inode = inode
    }

    /// `TCP_LISTEN` from `include/net/tcp_states.h`.
    public static let tcpListen: UInt8 = 0x0A

    /// Whether the socket waits for peers: a TCP socket in LISTEN, or a UDP socket bound to a
    /// port with no connected peer (remote port 0 and the unspecified remote address), the
    /// UDP equivalent of a listener.
    public var isListening: Bool {
        switch `protocol` {
        case .tcp, .tcp6: state == Self.tcpListen
        case .udp, .udp6: localPort != 0 && remotePort == 0 && (remoteAddress == "0.0.0.0" || remoteAddress == "::")
        }
    }
}
