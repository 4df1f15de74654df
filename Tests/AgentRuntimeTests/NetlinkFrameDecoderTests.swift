import CLinuxAudit
import Testing

@testable import AgentRuntime

@Suite struct NetlinkFrameDecoderTests {
    /// Two frames as one datagram would hold them: an audit status reply and an ack,
    /// the first with a payload that needs padding.
    static let frames = [
        NetlinkFrame(type: 1000, flags: 0, sequence: 7, portID: 0, payload: Array("hello".utf8)),
        NetlinkFrame(type: UInt16(NLMSG_ERROR), flags: 0x100, sequence: 7, portID: 0, payload: [0, 0, 0, 0] + [UInt8](repeating: 1, count: 16)),
        NetlinkFrame(type: 1300, sequence: 8, payload: Array("audit(1.2:3): x=1".utf8)),
    ]
    static var bytes: [UInt8] { frames.flatMap { $0.encoded() } }

    @Test func encodesHeaderInHostOrderWithPadding() {
        let encoded = Self.frames[0].encoded()
        #expect(encoded.count == 24)
        #expect(encoded.loadHost(UInt32.self, at: 0) == 21)
        #expect(encoded.loadHost(UInt16.self, at: 4) == 1000)
        #expect(encoded.loadHost(UInt32.self, at: 8) == 7)
        #expect(Array(encoded[21...]) == [0, 0, 0])
    }

    @Test func decodesWholeDatagram() throws {
        #expect(try NetlinkFrameDecoder.decode(datagram: Self.bytes[...]) == Self.frames)
    }

    @Test func decodesByteByByte() throws {
        var decoder = NetlinkFrameDecoder()
        var pending: [UInt8] = []
        var decoded: [NetlinkFrame] = []
        for byte in Self.bytes {
            pending.append(byte)
            var slice = pending[...]
            while let frame = try decoder.decode(&slice) { decoded.append(frame) }
            pending = Array(slice)
        }
        #expect(decoded == Self.frames)
        #expect(pending.isEmpty)
    }

    @Test func decodesSplitAtEveryOffset() throws {
        let bytes = Self.bytes
        for split in 0...bytes.count {
            var decoder = NetlinkFrameDecoder()
            var decoded: [NetlinkFrame] = []
            var pending = Array(bytes[..<split])
            for chunk in [[UInt8](), Array(bytes[split...])] {
                pending += chunk
                var slice = pending[...]
                while let frame = try decoder.decode(&slice) { decoded.append(frame) }
                pending = Array(slice)
            }
            #expect(decoded == Self.frames, "split at \(split)")
        }
    }

    @Test func incompleteFrameLeavesBufferUntouched() throws {
        var decoder = NetlinkFrameDecoder()
        var slice = Self.bytes[0..<20]
        #expect(try decoder.decode(&slice) == nil)
        #expect(slice.count == 20)
    }

    @Test func rejectsMalformedLengths() {
        var short: [UInt8] = []
        short.appendHost(UInt32(8))
        short += [UInt8](repeating: 0, count: 12)
        #expect(throws: NetlinkFrameError(.lengthTooShort, value: 8)) { try NetlinkFrameDecoder.decode(datagram: short[...]) }
        var huge: [UInt8] = []
        huge.appendHost(UInt32.max)
        huge += [UInt8](repeating: 0, count: 12)
        #expect(throws: NetlinkFrameError.self) { try NetlinkFrameDecoder.decode(datagram: huge[...]) }
        let truncated = Self.bytes.dropLast(5)
        #expect(throws: NetlinkFrameError.self) { try NetlinkFrameDecoder.decode(datagram: truncated) }
    }

    @Test func survivesArbitraryGarbage() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let count = Int.random(in: 0..<64, using: &generator)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = try? NetlinkFrameDecoder.decode(datagram: bytes[...])
            _ = try? NetlinkFrameDecoder.decodeAuditRecord(datagram: bytes[...])
            _ = try? AuditStatus(payload: bytes)
            _ = try? AuditRule(ruleData: bytes)
        }
    }

    @Test func auditRecordWithKernelLengthQuirk() throws {
        let text = Array("audit(1700000000.123:42): arch=c000003e syscall=59".utf8)
        var quirk: [UInt8] = []
        quirk.appendHost(UInt32(text.count))  // unicast: nlmsg_len counts the payload only
        quirk.appendHost(UInt16(1300))
        quirk.appendHost(UInt16(0))
        quirk.appendHost(UInt32(0))
        quirk.appendHost(UInt32(0))
        quirk += text + [0]
        let fromQuirk = try NetlinkFrameDecoder.decodeAuditRecord(datagram: quirk[...])
        #expect(fromQuirk.type == 1300)
        #expect(fromQuirk.payload == text)
        let correct = NetlinkFrame(type: 1300, payload: text).encoded()
        #expect(try NetlinkFrameDecoder.decodeAuditRecord(datagram: correct[...]).payload == text)
        #expect(throws: NetlinkFrameError.self) { try NetlinkFrameDecoder.decodeAuditRecord(datagram: quirk[0..<10]) }
        var wrong = quirk
        wrong.storeHost(UInt32(3), at: 0)
        #expect(throws: NetlinkFrameError.self) { try NetlinkFrameDecoder.decodeAuditRecord(datagram: wrong[...]) }
    }

    @Test func statusRoundTrip() throws {
        var payload: [UInt8] = []
        for value: UInt32 in [0, 1, 1, 1234, 0, 8192, 5, 2, 127, 0] { payload.appendHost(value) }
        let status = try AuditStatus(payload: payload)
        #expect(status == AuditStatus(enabled: 1, failure: 1, pid: 1234, backlogLimit: 8192, lost: 5, backlog: 2, featureBitmap: 127, backlogWaitTime: 0))
        #expect(throws: NetlinkFrameError.self) { try AuditStatus(payload: Array(payload[0..<20])) }
        let set = AuditStatusChange(enabled: 1, backlogWaitTime: 0).encodedPayload()
        #expect(set.loadHost(UInt32.self, at: 0) == UInt32(AUDIT_STATUS_ENABLED | AUDIT_STATUS_BACKLOG_WAIT_TIME))
        #expect(set.loadHost(UInt32.self, at: 4) == 1)
        #expect(set.count == Int(herdwatch_audit_status_size()))
    }
}
