import CLinuxAudit
import Glibc

/// Requests to the kernel audit subsystem over a NETLINK_AUDIT socket: status, settings, rules,
/// and registering as the audit daemon (linux/audit.h AUDIT_GET, AUDIT_SET, AUDIT_ADD_RULE,
/// AUDIT_DEL_RULE, AUDIT_LIST_RULES; netlink(7)). Needs CAP_AUDIT_CONTROL.
///
/// Every request is sent with NLM_F_ACK and waits for the kernel's acknowledgement (an
/// NLMSG_ERROR with error 0) and, for AUDIT_GET and AUDIT_LIST_RULES, for the reply with the
/// same sequence number; the kernel may send these in either order. One owner at a time: the
/// client is not `Sendable`.
///
/// ```swift
/// let audit = try AuditNetlinkClient()
/// let status = try audit.status()
/// try audit.set(AuditStatusChange(backlogWaitTime: 0))
/// ```
public final class AuditNetlinkClient {
    let socket: NetlinkSocket
    private var sequence: UInt32 = 0
    private var receiveBuffer = [UInt8](repeating: 0, count: 1 << 16)
    /// Consecutive receive timeouts (SO_RCVTIMEO) after which a request fails.
    private let timeoutsAllowed: Int

    /// Opens and binds a NETLINK_AUDIT socket.
    /// - Parameters:
    ///   - multicastGroups: `nl_groups` bits to join; ``NetlinkAuditSource`` passes the read-log group.
    ///   - receiveTimeoutMilliseconds: SO_RCVTIMEO, also how often a reader can notice a stop.
    ///   - requestTimeoutMilliseconds: how long a request waits for the kernel.
    /// - Throws: ``AuditNetlinkError`` `.unavailable`.
    public init(
        multicastGroups: UInt32 = 0, receiveTimeoutMilliseconds: Int = 250, requestTimeoutMilliseconds: Int = 3000
    ) throws(AuditNetlinkError) {
        let socket: NetlinkSocket
        switch NetlinkSocket.open() {
        case .success(let opened): socket = opened
        case .failure(let errno): throw AuditNetlinkError(.unavailable, operation: "socket", cause: errno)
        }
        if case .failure(let errno) = socket.bind(groups: multicastGroups) {
            socket.close()
            throw AuditNetlinkError(.unavailable, operation: "bind", cause: errno)
        }
        _ = socket.setReceiveTimeout(milliseconds: receiveTimeoutMilliseconds)
        _ = socket.setOption(level: SOL_SOCKET, name: SO_RCVBUFFORCE, Int32(8 << 20))
        self.socket = socket
        self.timeoutsAllowed = max(1, requestTimeoutMilliseconds / max(1, receiveTimeoutMilliseconds))
    }

    deinit { socket.close() }

    /// The kernel's audit state (AUDIT_GET).
    public func status() throws(AuditNetlinkError) -> AuditStatus {
        var status: AuditStatus?
        var malformed = false
        try request(UInt16(AUDIT_GET), name: "AUDIT_GET", waitForDone: false) { frame in
            guard frame.type == UInt16(AUDIT_GET) else { return false }
            do { status = try AuditStatus(payload: frame.payload) } catch { malformed = true }
            return true
        }
        guard let status, !malformed else { throw AuditNetlinkError(.malformedReply, operation: "AUDIT_GET") }
        return status
    }

    /// Changes the fields of `change` that are set (AUDIT_SET).
    public func set(_ change: AuditStatusChange) throws(AuditNetlinkError) {
        try request(UInt16(AUDIT_SET), payload: change.encodedPayload(), name: "AUDIT_SET", waitForDone: false, onReply: nil)
    }

    /// Every rule the kernel holds, in list order (AUDIT_LIST_RULES).
    public func listRules() throws(AuditNetlinkError) -> [AuditRule] {
        var rules: [AuditRule] = []
        var malformed = false
        try request(UInt16(AUDIT_LIST_RULES), name: "AUDIT_LIST_RULES", waitForDone: true) { frame in
            guard frame.type == UInt16(AUDIT_LIST_RULES) else { return false }
            do { rules.append(try AuditRule(ruleData: frame.payload)) } catch { malformed = true }
            return false
        }
        if malformed { throw AuditNetlinkError(.malformedReply, operation: "AUDIT_LIST_RULES") }
        return rules
    }

    /// Adds a rule (AUDIT_ADD_RULE). The kernel rejects a duplicate with EEXIST.
    public func addRule(_ rule: AuditRule) throws(AuditNetlinkError) {
        try request(UInt16(AUDIT_ADD_RULE), payload: rule.ruleData(), name: "AUDIT_ADD_RULE", waitForDone: false, onReply: nil)
    }

    /// Deletes a rule equal to `rule` (AUDIT_DEL_RULE); ENOENT when there is none.
    public func deleteRule(_ rule: AuditRule) throws(AuditNetlinkError) {
        try request(UInt16(AUDIT_DEL_RULE), payload: rule.ruleData(), name: "AUDIT_DEL_RULE", waitForDone: false, onReply: nil)
    }

    /// Sends one request and reads until it is acknowledged, its reply was handled (`onReply`
    /// returns true) or, with `waitForDone`, NLMSG_DONE arrived. Frames of other sequence
    /// numbers (audit records on a registered socket) are skipped.
    private func request(
        _ type: UInt16, payload: [UInt8] = [], name: String, waitForDone: Bool,
        onReply: ((NetlinkFrame) -> Bool)?
    ) throws(AuditNetlinkError) {
        sequence &+= 1
        let frame = NetlinkFrame(type: type, flags: UInt16(NLM_F_REQUEST | NLM_F_ACK), sequence: sequence, payload: payload)
        if case .failure(let errno) = socket.sendToKernel(frame.encoded()) {
            throw AuditNetlinkError(errno.rawValue == EPERM ? .rejected : .sendFailed, operation: name, cause: errno)
        }
        var acknowledged = false
        var replied = onReply == nil && !waitForDone
        var timeouts = 0
        while !(acknowledged && replied) {
            let received = receiveBuffer.withUnsafeMutableBytes { socket.receive(into: $0) }
            let count: Int
            switch received {
            case .success(let n): count = n
            case .failure(let errno) where errno.rawValue == EAGAIN || errno.rawValue == EWOULDBLOCK:
                timeouts += 1
                if timeouts >= timeoutsAllowed { throw AuditNetlinkError(.timedOut, operation: name) }
                continue
            case .failure(let errno) where errno.rawValue == ENOBUFS:
                continue
            case .failure(let errno):
                throw AuditNetlinkError(.receiveFailed, operation: name, cause: errno)
            }
            guard let frames = try? NetlinkFrameDecoder.decode(datagram: receiveBuffer[0..<count]) else { continue }
            for reply in frames where reply.sequence == sequence {
                switch Int32(reply.type) {
                case NLMSG_ERROR:
                    guard let error = reply.payload.loadHost(Int32.self, at: 0) else {
                        throw AuditNetlinkError(.malformedReply, operation: name)
                    }
                    if error != 0 { throw AuditNetlinkError(.rejected, operation: name, cause: Errno(-error)) }
                    acknowledged = true
                case NLMSG_DONE:
                    if waitForDone { replied = true }
                default:
                    if onReply?(reply) == true, !waitForDone { replied = true }
                }
            }
        }
    }
}
