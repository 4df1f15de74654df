import CLinuxAudit
import Glibc

/// An errno value from a failed system call.
public struct Errno: Error, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(_ rawValue: Int32) { self.rawValue = rawValue }
    public var description: String { String(cString: strerror(rawValue)) + " (errno \(rawValue))" }
}

/// A NETLINK_AUDIT socket: one thin function per system call, each returning its result or
/// the `Errno` (socket(2), bind(2), setsockopt(2), sendto(2), recv(2), close(2); netlink(7)).
/// Meaning is given one layer up, in ``AuditNetlinkClient`` and ``NetlinkAuditSource``.
/// `EINTR` is retried here.
struct NetlinkSocket: Sendable {
    let descriptor: Int32

    /// socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT).
    static func open() -> Result<NetlinkSocket, Errno> {
        let fd = Glibc.socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), NETLINK_AUDIT)
        return fd >= 0 ? .success(NetlinkSocket(descriptor: fd)) : .failure(Errno(errno))
    }

    /// bind(2) to a kernel-assigned port id, joined to the multicast `groups` bit mask
    /// (bit `AUDIT_NLGRP_READLOG - 1` for the read-log group; netlink(7) `nl_groups`).
    func bind(groups: UInt32) -> Result<Void, Errno> {
        var address = sockaddr_nl()
        address.nl_family = sa_family_t(AF_NETLINK)
        address.nl_groups = groups
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_nl>.size))
            }
        }
        return result == 0 ? .success(()) : .failure(Errno(errno))
    }

    /// setsockopt(2) with a value of any trivial type.
    func setOption<T: BitwiseCopyable>(level: Int32, name: Int32, _ value: T) -> Result<Void, Errno> {
        let result = withUnsafeBytes(of: value) {
            Glibc.setsockopt(descriptor, level, name, $0.baseAddress, socklen_t($0.count))
        }
        return result == 0 ? .success(()) : .failure(Errno(errno))
    }

    /// SO_RCVTIMEO: `recv` fails with EAGAIN after `milliseconds` without data.
    func setReceiveTimeout(milliseconds: Int) -> Result<Void, Errno> {
        setOption(level: SOL_SOCKET, name: SO_RCVTIMEO, timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000))
    }

    /// sendto(2) the kernel (port id 0).
    func sendToKernel(_ bytes: [UInt8]) -> Result<Int, Errno> {
        var address = sockaddr_nl()
        address.nl_family = sa_family_t(AF_NETLINK)
        while true {
            let sent = bytes.withUnsafeBytes { buffer in
                withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        Glibc.sendto(descriptor, buffer.baseAddress, buffer.count, 0, $0, socklen_t(MemoryLayout<sockaddr_nl>.size))
                    }
                }
            }
            if sent >= 0 { return .success(sent) }
            if errno != EINTR { return .failure(Errno(errno)) }
        }
    }

    /// recv(2) one datagram into `buffer`; returns its length. ENOBUFS means the kernel
    /// dropped datagrams because this socket's receive buffer was full (netlink(7)).
    func receive(into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, Errno> {
        while true {
            let received = Glibc.recv(descriptor, buffer.baseAddress, buffer.count, 0)
            if received >= 0 { return .success(received) }
            if errno != EINTR { return .failure(Errno(errno)) }
        }
    }

    /// close(2).
    func close() {
        _ = Glibc.close(descriptor)
    }
}
