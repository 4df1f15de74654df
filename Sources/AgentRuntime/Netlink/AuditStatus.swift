import CLinuxAudit

/// The kernel audit state, `struct audit_status` (linux/audit.h), as AUDIT_GET answers it.
///
/// All fields are u32 in host byte order. `backlogWaitTime` is in kernel ticks (auditctl(8)
/// `--backlog_wait_time`, default 60 * HZ); Herdwatch sets it to 0 so a full backlog drops
/// records (counted in `lost`) instead of blocking the audited process.
public struct AuditStatus: Sendable, Hashable {
    /// 0 disabled, 1 enabled, 2 enabled and locked until reboot (auditctl -e).
    public var enabled: UInt32
    /// What the kernel does when it cannot log: 0 silent, 1 printk, 2 panic (auditctl -f).
    public var failure: UInt32
    /// The registered audit daemon's pid, 0 when none (records go to multicast and printk).
    public var pid: UInt32
    /// Records per second before the kernel drops them, 0 for no limit (auditctl -r).
    public var rateLimit: UInt32
    /// Most records queued for the daemon (auditctl -b).
    public var backlogLimit: UInt32
    /// Records lost since boot (overflow, rate limit, no memory).
    public var lost: UInt32
    /// Records queued now.
    public var backlog: UInt32
    /// AUDIT_FEATURE_BITMAP_* the kernel supports.
    public var featureBitmap: UInt32
    /// How long a process waits for room in a full backlog, in kernel ticks; 0 never waits
    /// (auditctl --backlog_wait_time). `nil` when the kernel does not report it.
    public var backlogWaitTime: UInt32?

    public init(
        enabled: UInt32 = 0, failure: UInt32 = 0, pid: UInt32 = 0, rateLimit: UInt32 = 0,
        backlogLimit: UInt32 = 0, lost: UInt32 = 0, backlog: UInt32 = 0, featureBitmap: UInt32 = 0,
        backlogWaitTime: UInt32? = nil
    ) {
        self.enabled = enabled
        self.failure = failure
        self.pid = pid
        self.rateLimit = rateLimit
        self.backlogLimit = backlogLimit
        self.lost = lost
        self.backlog = backlog
        self.featureBitmap = featureBitmap
        self.backlogWaitTime = backlogWaitTime
    }

    /// Decodes the payload of an AUDIT_GET reply: at least the nine u32 up to `feature_bitmap`.
    /// - Throws: ``NetlinkFrameError`` (`.payloadTooShort`) for a shorter payload.
    public init(payload: [UInt8]) throws(NetlinkFrameError) {
        guard payload.count >= 9 * 4 else { throw NetlinkFrameError(.payloadTooShort, value: payload.count) }
        func word(_ index: Int) -> UInt32? { payload.loadHost(UInt32.self, at: index * 4) }
        self.init(
            enabled: word(1)!, failure: word(2)!, pid: word(3)!, rateLimit: word(4)!,
            backlogLimit: word(5)!, lost: word(6)!, backlog: word(7)!, featureBitmap: word(8)!,
            backlogWaitTime: word(9)
        )
    }
}

/// Changes for AUDIT_SET: only the fields that are not `nil` are sent, each flagged in
/// `audit_status.mask` (AUDIT_STATUS_ENABLED, _PID, _RATE_LIMIT, _BACKLOG_LIMIT,
/// _BACKLOG_WAIT_TIME; linux/audit.h). Failure mode is deliberately not settable here:
/// mode 2 panics the machine.
public struct AuditStatusChange: Sendable, Hashable {
    public var enabled: UInt32?
    public var pid: UInt32?
    public var rateLimit: UInt32?
    public var backlogLimit: UInt32?
    public var backlogWaitTime: UInt32?

    public init(
        enabled: UInt32? = nil, pid: UInt32? = nil, rateLimit: UInt32? = nil,
        backlogLimit: UInt32? = nil, backlogWaitTime: UInt32? = nil
    ) {
        self.enabled = enabled
        self.pid = pid
        self.rateLimit = rateLimit
        self.backlogLimit = backlogLimit
        self.backlogWaitTime = backlogWaitTime
    }

    /// The `struct audit_status` payload of an AUDIT_SET request, host byte order.
    public func encodedPayload() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Int(herdwatch_audit_status_size()))
        var mask: UInt32 = 0
        func put(_ value: UInt32?, bit: Int32, word: Int) {
            guard let value else { return }
            mask |= UInt32(bit)
            bytes.storeHost(value, at: word * 4)
        }
        put(enabled, bit: AUDIT_STATUS_ENABLED, word: 1)
        put(pid, bit: AUDIT_STATUS_PID, word: 3)
        put(rateLimit, bit: AUDIT_STATUS_RATE_LIMIT, word: 4)
        put(backlogLimit, bit: AUDIT_STATUS_BACKLOG_LIMIT, word: 5)
        put(backlogWaitTime, bit: AUDIT_STATUS_BACKLOG_WAIT_TIME, word: 9)
        bytes.storeHost(mask, at: 0)
        return bytes
    }
}
