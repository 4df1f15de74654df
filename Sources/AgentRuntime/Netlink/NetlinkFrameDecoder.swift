/// Splits bytes into ``NetlinkFrame``s, one step at a time (linux/netlink.h, `NLMSG_NEXT`).
///
/// `decode(_:)` consumes one frame from the front of the buffer, or returns `nil` and leaves
/// the buffer as it was when the frame is not complete yet ("need more bytes"); it throws only
/// for malformed input. A frame's padding to 4 bytes may arrive later than the frame itself:
/// the decoder remembers how much padding is still owed and skips it first.
///
/// Audit records sent by the kernel break the netlink contract: on the unicast socket their
/// `nlmsg_len` counts the payload only (kernel/audit.c, `audit_log_end`, "length quirks").
/// Read those with ``decodeAuditRecord(datagram:)``, which relies on the kernel sending one
/// record per datagram.
public struct NetlinkFrameDecoder: Sendable {
    private var owedPadding = 0

    public init() {}

    /// Consumes one frame from the front of `buffer`.
    /// - Returns: the frame, or `nil` when `buffer` does not hold a whole frame yet.
    /// - Throws: ``NetlinkFrameError`` when the header's length is impossible.
    public mutating func decode(_ buffer: inout ArraySlice<UInt8>) throws(NetlinkFrameError) -> NetlinkFrame? {
        let skip = Swift.min(owedPadding, buffer.count)
        buffer = buffer.dropFirst(skip)
        owedPadding -= skip
        if owedPadding > 0 { return nil }
        guard let length32 = buffer.loadHost(UInt32.self, at: buffer.startIndex) else { return nil }
        let length = Int(length32)
        guard length >= NetlinkFrame.headerLength else { throw NetlinkFrameError(.lengthTooShort, value: length) }
        guard length <= NetlinkFrame.maximumLength else { throw NetlinkFrameError(.lengthTooLarge, value: length) }
        guard buffer.count >= length else { return nil }
        let start = buffer.startIndex
        let frame = NetlinkFrame(
            type: buffer.loadHost(UInt16.self, at: start + 4)!,
            flags: buffer.loadHost(UInt16.self, at: start + 6)!,
            sequence: buffer.loadHost(UInt32.self, at: start + 8)!,
            portID: buffer.loadHost(UInt32.self, at: start + 12)!,
            payload: Array(buffer[(start + NetlinkFrame.headerLength)..<(start + length)])
        )
        let padded = (length + 3) & ~3
        let consumed = Swift.min(padded, buffer.count)
        owedPadding = padded - consumed
        buffer = buffer.dropFirst(consumed)
        return frame
    }

    /// Decodes every frame of one received datagram.
    /// - Throws: ``NetlinkFrameError`` for a malformed header or a datagram that ends inside a frame.
    public static func decode(datagram: ArraySlice<UInt8>) throws(NetlinkFrameError) -> [NetlinkFrame] {
        var decoder = NetlinkFrameDecoder()
        var buffer = datagram
        var frames: [NetlinkFrame] = []
        while !buffer.isEmpty {
            guard let frame = try decoder.decode(&buffer) else {
                throw NetlinkFrameError(.truncated, value: datagram.count - buffer.count)
            }
            frames.append(frame)
        }
        return frames
    }

    /// Decodes a datagram that carries one audit record, accepting both the unicast length
    /// quirk (`nlmsg_len` = payload length) and a correct length (multicast).
    ///
    /// The payload is everything after the header up to `nlmsg_len` (correct form) or the end
    /// of the datagram (quirk form), with trailing NUL bytes removed.
    /// - Throws: ``NetlinkFrameError`` when the datagram is shorter than a header or its
    ///   length matches neither form.
    public static func decodeAuditRecord(datagram: ArraySlice<UInt8>) throws(NetlinkFrameError) -> NetlinkFrame {
        let start = datagram.startIndex
        guard datagram.count >= NetlinkFrame.headerLength, let length32 = datagram.loadHost(UInt32.self, at: start) else {
            throw NetlinkFrameError(.truncated, value: datagram.count)
        }
        let length = Int(length32)
        let afterHeader = datagram.count - NetlinkFrame.headerLength
        let payloadLength: Int
        if length >= NetlinkFrame.headerLength && length <= datagram.count && datagram.count - length < 4 {
            payloadLength = length - NetlinkFrame.headerLength
        } else if length <= afterHeader && afterHeader - length < 4 {
            payloadLength = length
        } else {
            throw NetlinkFrameError(length < NetlinkFrame.headerLength ? .lengthTooShort : .truncated, value: length)
        }
        var payload = Array(datagram[(start + NetlinkFrame.headerLength)..<(start + NetlinkFrame.headerLength + payloadLength)])
        while payload.last == 0 { payload.removeLast() }
        return NetlinkFrame(
            type: datagram.loadHost(UInt16.self, at: start + 4)!,
            flags: datagram.loadHost(UInt16.self, at: start + 6)!,
            sequence: datagram.loadHost(UInt32.self, at: start + 8)!,
            portID: datagram.loadHost(UInt32.self, at: start + 12)!,
            payload: payload
        )
    }
}
