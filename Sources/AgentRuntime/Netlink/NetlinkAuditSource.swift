import CLinuxAudit
import Glibc
import Synchronization

/// One audit message from the kernel: its type (AUDIT_SYSCALL = 1300, AUDIT_EXECVE = 1309…,
/// linux/audit.h) and its payload, the text `audit(SECONDS.MILLIS:SERIAL): field=value…`
/// without trailing NUL. Parsing the text is AuditCore's job.
public struct AuditNetlinkMessage: Sendable, Hashable {
    public var type: UInt16
    public var payload: [UInt8]

    public init(type: UInt16, payload: [UInt8]) {
        self.type = type
        self.payload = payload
    }
}

/// Reads audit records from the kernel over netlink, either as the registered audit daemon
/// (unicast: the kernel sends every record here) or beside one as a read-only member of the
/// AUDIT_NLGRP_READLOG multicast group (linux/audit.h; needs CAP_AUDIT_READ).
///
/// The blocking `recv` loop runs on its own thread and hands messages to ``messages``, an
/// `AsyncStream` that keeps at most `bufferLimit` messages and counts what it drops in
/// ``counters``. ``stop()`` ends the loop, closes the stream and, in unicast mode, hands the
/// daemon role back (status pid 0).
///
/// ```swift
/// let source = try NetlinkAuditSource.start(mode: .multicast)
/// defer { source.stop() }
/// for await message in source.messages { … }
/// ```
public final class NetlinkAuditSource: Sendable {
    public enum Mode: Sendable, Hashable {
        /// Become the audit daemon; fails when another is registered.
        case unicast
        /// Join the read-log multicast group; changes nothing in the kernel.
        case multicast
    }

    /// What the reader saw, for metrics: kept separate so nothing is lost silently.
    public struct Counters: Sendable, Hashable {
        /// Messages handed to the stream.
        public var received = 0
        /// Messages dropped because the stream's buffer was full.
        public var droppedByBuffer = 0
        /// `recv` failures with ENOBUFS: the kernel dropped datagrams for this socket.
        public var overruns = 0
        /// Datagrams that were not a valid audit record (counted, skipped).
        public var malformed = 0
        /// The error that ended the loop, if any (not a stop).
        public var failure: Errno?
    }

    public let mode: Mode
    public let messages: AsyncStream<AuditNetlinkMessage>
    private let client: Mutex<AuditNetlinkClient?>
    private let state: Mutex<Counters>
    private let stopping: Atomic<Bool>
    /// Auditing was off and this source turned it on (unicast): it turns it off again on stop.
    private let enabledHere: Atomic<Bool>
    private let thread: Mutex<ReaderThread?>

    /// Opens the socket, registers or joins the group, and starts the reader thread.
    /// - Parameters:
    ///   - mode: unicast (become the audit daemon) or multicast (read-only).
    ///   - bufferLimit: messages the stream holds before it drops the newest (counted).
    ///   - backlogWaitTime: set before registering in unicast mode, as the daemon owns the
    ///     queue: 0 (the default) means a full backlog drops records (counted in `lost`)
    ///     instead of blocking audited processes; `nil` leaves it. Multicast changes nothing.
    /// - Throws: ``AuditNetlinkError``, `.daemonRegistered` with the pid of another daemon.
    public static func start(mode: Mode, bufferLimit: Int = 16_384, backlogWaitTime: UInt32? = 0) throws(AuditNetlinkError) -> NetlinkAuditSource {
        let groups: UInt32 = mode == .multicast ? 1 << (UInt32(AUDIT_NLGRP_READLOG.rawValue) - 1) : 0
        let client = try AuditNetlinkClient(multicastGroups: groups)
        var enabledHere = false
        if mode == .unicast {
            if let backlogWaitTime { try client.set(AuditStatusChange(backlogWaitTime: backlogWaitTime)) }
            try client.registerAsDaemon()
            // The audit daemon turns auditing on, as auditd does; with it off the kernel sends
            // nothing. Turned off again on stop only if it was off (2, locked, is left alone).
            if try client.status().enabled == 0 {
                try client.set(AuditStatusChange(enabled: 1))
                enabledHere = true
            }
        }
        let source = NetlinkAuditSource(mode: mode, client: client, bufferLimit: bufferLimit)
        source.enabledHere.store(enabledHere, ordering: .relaxed)
        let descriptor = client.socket.descriptor
        let continuation = source.continuation
        switch ReaderThread.start({ [source] in source.readLoop(descriptor: descriptor, continuation: continuation) }) {
        case .success(let thread): source.thread.withLock { $0 = thread }
        case .failure(let errno):
            source.stop()
            throw AuditNetlinkError(.unavailable, operation: "pthread_create", cause: errno)
        }
        return source
    }

    private let continuation: AsyncStream<AuditNetlinkMessage>.Continuation

    private init(mode: Mode, client: sending AuditNetlinkClient, bufferLimit: Int) {
        self.mode = mode
        self.client = Mutex(client)
        self.state = Mutex(Counters())
        self.stopping = Atomic(false)
        self.enabledHere = Atomic(false)
        self.thread = Mutex(nil)
        (messages, continuation) = AsyncStream.makeStream(of: AuditNetlinkMessage.self, bufferingPolicy: .bufferingOldest(bufferLimit))
        continuation.onTermination = { [weak self] _ in self?.stopping.store(true, ordering: .relaxed) }
    }

    /// A snapshot of the counters.
    public var counters: Counters { state.withLock { $0 } }

    /// Stops the reader, finishes ``messages``, hands back the daemon role (unicast) and closes
    /// the socket. Safe to call more than once.
    /// - Throws: nothing; a failed unregistration is left to the kernel, which drops a
    ///   daemon whose socket is closed.
    public func stop() {
        stopping.store(true, ordering: .relaxed)
        thread.withLock { $0.take() }?.join()
        continuation.finish()
        client.withLock { client in
            if mode == .unicast {
                if enabledHere.exchange(false, ordering: .relaxed) { try? client?.set(AuditStatusChange(enabled: 0)) }
                try? client?.unregisterAsDaemon()
            }
            client = nil
        }
    }

    private func readLoop(descriptor: Int32, continuation: AsyncStream<AuditNetlinkMessage>.Continuation) {
        let socket = NetlinkSocket(descriptor: descriptor)
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while !stopping.load(ordering: .relaxed) {
            let result = buffer.withUnsafeMutableBytes { socket.receive(into: $0) }
            switch result {
            case .success(let count):
                guard let frame = try? NetlinkFrameDecoder.decodeAuditRecord(datagram: buffer[0..<count]) else {
                    state.withLock { $0.malformed += 1 }
                    continue
                }
                // Control replies (acks, AUDIT_GET) are not records.
                if frame.type < UInt16(AUDIT_FIRST_USER_MSG) { continue }
                switch continuation.yield(AuditNetlinkMessage(type: frame.type, payload: frame.payload)) {
                case .enqueued: state.withLock { $0.received += 1 }
                case .dropped: state.withLock { $0.droppedByBuffer += 1 }
                case .terminated: return
                @unknown default: state.withLock { $0.droppedByBuffer += 1 }
                }
            case .failure(let errno) where errno.rawValue == EAGAIN || errno.rawValue == EWOULDBLOCK:
                continue
            case .failure(let errno) where errno.rawValue == ENOBUFS:
                state.withLock { $0.overruns += 1 }
            case .failure(let errno):
                state.withLock { $0.failure = errno }
                continuation.finish()
                return
            }
        }
    }
}
