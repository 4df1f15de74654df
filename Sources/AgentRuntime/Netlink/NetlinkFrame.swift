import CLinuxAudit

/// One netlink message: a `struct nlmsghdr` and its payload (linux/netlink.h).
///
/// The header is 16 bytes in host byte order: `nlmsg_len` (u32, header included),
/// `nlmsg_type` (u16), `nlmsg_flags` (u16), `nlmsg_seq` (u32), `nlmsg_pid` (u32, the port id).
/// Messages in one datagram are padded to 4 bytes (`NLMSG_ALIGN`).
public struct NetlinkFrame: Sendable, Hashable {
    /// `NLMSG_HDRLEN`: 16.
    public static let headerLength = Int(herdwatch_nlmsg_hdrlen())
    /// Largest `nlmsg_len` accepted; larger lengths are malformed (the audit receive buffer is 64 KiB).
    public static let maximumLength = 1 << 20

    /// `nlmsg_type`: NLMSG_ERROR, NLMSG_DONE or an AUDIT_* message type (linux/audit.h).
    public var type: UInt16
    /// `nlmsg_flags`: NLM_F_REQUEST, NLM_F_ACK, NLM_F_MULTI…
    public var flags: UInt16
    /// `nlmsg_seq`: echoed by the kernel in its replies.
    public var sequence: UInt32
    /// `nlmsg_pid`: the sender's port id (0 for the kernel).
    public var portID: UInt32
    /// The bytes after the header, without padding.
    public var payload: [UInt8]

    public init(type: UInt16, flags: UInt16 = 0, sequence: UInt32 = 0, portID: UInt32 = 0, payload: [UInt8] = []) {
        self.type = type
        self.flags = flags
        self.sequence = sequence
        self.portID = portID
        self.payload = payload
    }

    /// The frame as sent: header in host byte order with `nlmsg_len` = 16 + payload,
    /// padded with zeros to a multiple of 4 (`NLMSG_ALIGN`).
    public func encoded() -> [UInt8] {
        let length = NetlinkFrame.headerLength + payload.count
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(herdwatch_nlmsg_align(UInt32(length))))
        bytes.appendHost(UInt32(length))
        bytes.appendHost(type)
        bytes.appendHost(flags)
        bytes.appendHost(sequence)
        bytes.appendHost(portID)
        bytes.append(contentsOf: payload)
        while bytes.count % 4 != 0 { bytes.append(0) }
        return bytes
    }
}

/// Errors of the pure netlink decoders: the input is malformed, never "need more bytes".
public struct NetlinkFrameError: Error, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable { case lengthTooShort, lengthTooLarge, truncated, payloadTooShort }
        private let base: Base
        /// `nlmsg_len` is smaller than the header.
        public static let lengthTooShort = Code(base: .lengthTooShort)
        /// `nlmsg_len` exceeds ``NetlinkFrame/maximumLength``.
        public static let lengthTooLarge = Code(base: .lengthTooLarge)
        /// A datagram ended inside a frame.
        public static let truncated = Code(base: .truncated)
        /// A payload is shorter than the struct it must hold (nlmsgerr, audit_status, audit_rule_data).
        public static let payloadTooShort = Code(base: .payloadTooShort)
        public var description: String { "\(base)" }
    }

    public var code: Code
    /// The offending length or offset, for debugging.
    public var value: Int

    public init(_ code: Code, value: Int) {
        self.code = code
        self.value = value
    }

    public var description: String { "malformed netlink message (\(code))" }
    public var debugDescription: String { "NetlinkFrameError(\(code), value: \(value))" }
}
