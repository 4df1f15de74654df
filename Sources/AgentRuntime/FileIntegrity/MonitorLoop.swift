import FileIntegrity
import Glibc

/// The body of ``FileIntegrityMonitor``'s thread: owns the scanner, the state and the
/// watches, so none of them needs a lock.
struct MonitorLoop {
    /// After the first event, how long to keep collecting events before rescanning, so the
    /// two halves of a rename (IN_MOVED_FROM, IN_MOVED_TO) land in one batch.
    static let batchWindow: Duration = .milliseconds(50)
    /// Least time between two state saves while changes keep coming; a crash in between
    /// re-reports those changes on restart rather than losing them.
    static let saveInterval: Duration = .seconds(5)
    /// Longest wait for the writer of a file to close it before hashing it anyway; below one
    /// second, so a change is reported within a second even when the writer keeps the file open.
    static let writeSettleTime: Duration = .milliseconds(400)

    private let monitor: FileIntegrityMonitor
    private let scanner: FileIntegrityScanner
    private let clock = ContinuousClock()
    private var state = FileIntegrityState()
    private var pending: Set<RescanScope> = []
    /// Files created or written and not closed yet, with when that was first seen.
    private var beingWritten: [String: ContinuousClock.Instant] = [:]
    private var fullRescanDue: ContinuousClock.Instant?
    private var unwatchedRescanDue: ContinuousClock.Instant
    private var lastSave: ContinuousClock.Instant
    private var unsaved = false

    init(monitor: FileIntegrityMonitor) {
        self.monitor = monitor
        scanner = FileIntegrityScanner(configuration: monitor.configuration)
        unwatchedRescanDue = ContinuousClock.now.advanced(by: monitor.configuration.unwatchedRescanInterval)
        lastSave = ContinuousClock.now
    }

    mutating func run() throws {
        let inotify: Inotify
        switch Inotify.open() {
        case .success(let opened): inotify = opened
        case .failure(let error): throw FIMError(.inotifyUnavailable, path: "", cause: error)
        }
        defer { inotify.close() }
        let watches = WatchRegistry(inotify: inotify, limit: monitor.configuration.maxWatches, logger: monitor.logger)
        state = try monitor.store.load() ?? FileIntegrityState()
        rescanAll(watches: watches, rateLimited: false)
        save()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 8)
        defer { buffer.deallocate() }
        while !monitor.wake.isSignaled {
            if inotify.wait(wake: monitor.wake.readEnd, timeoutMilliseconds: timeoutMilliseconds()) {
                collectEvents(inotify: inotify, watches: watches, buffer: buffer)
            }
            runDueScans(watches: watches, inotify: inotify, buffer: buffer)
            if unsaved, lastSave.duration(to: clock.now) >= Self.saveInterval { save() }
        }
        if unsaved { save() }
    }

    /// Saves the state; a failure (a full disk) is logged and retried after ``saveInterval``
    /// rather than stopping the monitor: watching goes on, and a restart before a successful
    /// save re-reports the changes since the last one.
    private mutating func save() {
        lastSave = clock.now
        do {
            try monitor.store.save(state)
            unsaved = false
        } catch {
            unsaved = true
            monitor.counters.withLock { $0.stateSaveFailures += 1 }
            monitor.logger.error("FIM state not saved", metadata: ["fim.error": "\(error)"])
        }
    }

    /// Reads events until none arrive for a moment or the batch window closes.
    private mutating func collectEvents(inotify: Inotify, watches: WatchRegistry, buffer: UnsafeMutableRawBufferPointer) {
        let windowEnd = clock.now.advanced(by: Self.batchWindow)
        repeat {
            guard case .success(let events) = inotify.readEvents(into: buffer) else { break }
            for event in events { eventReceived(event, watches: watches) }
        } while clock.now < windowEnd && inotify.wait(wake: monitor.wake.readEnd, timeoutMilliseconds: 10)
    }

    /// Runs one event's ``InotifyEvent/Action``.
    private mutating func eventReceived(_ event: InotifyEvent, watches: WatchRegistry) {
        switch event.action(directory: watches.pathsByWatch[event.watch]) {
        case .fullRescan:
            monitor.counters.withLock { $0.queueOverflows += 1 }
            fullRescanDue = clock.now
        case .watchRemoved:
            // A root's watch ends when the root is replaced: rescanning it watches the new one.
            if let path = watches.watchRemoved(event.watch), monitor.configuration.paths.contains(path) {
                pending.insert(.entry(path))
            }
        case .rescan(let scope):
            if case .entry(let path) = scope { beingWritten[path] = nil }
            pending.insert(scope)
        case .rescanAfterWrite(let path):
            if beingWritten[path] == nil { beingWritten[path] = clock.now }
        case .unwatchAndRescan(let path):
            watches.forgetSubtree(path)
            pending.insert(.subtree(path))
        case .none:
            break
        }
    }

    private mutating func runDueScans(watches: WatchRegistry, inotify: Inotify, buffer: UnsafeMutableRawBufferPointer) {
        let now = clock.now
        for (path, since) in beingWritten where since.advanced(by: Self.writeSettleTime) <= now {
            beingWritten[path] = nil
            pending.insert(.entry(path))
        }
        if let due = fullRescanDue, due <= now {
            pending = []
            let inbox = rescanAll(watches: watches, rateLimited: true, inotify: inotify, buffer: buffer)
            for event in inbox.events { eventReceived(event, watches: watches) }
            if inbox.overflowed {
                monitor.counters.withLock { $0.queueOverflows += 1 }
                fullRescanDue = clock.now
            }
        }
        if !pending.isEmpty {
            let scopes = pending.sorted { $0.path < $1.path }
            pending = []
            monitor.counters.withLock { $0.partialRescans += 1 }
            rescan(scopes, watches: watches)
        }
        if unwatchedRescanDue <= now {
            unwatchedRescanDue = now.advanced(by: monitor.configuration.unwatchedRescanInterval)
            let tops = watches.unwatchedTops
            if !tops.isEmpty {
                monitor.counters.withLock { $0.unwatchedRescans += 1 }
                rescan(tops.map(RescanScope.subtree), watches: watches)
            }
        }
    }

    /// A full rescan. When `inotify` is given, rate-limit pauses read its events into the
    /// returned inbox, to be handled after the rescan.
    @discardableResult
    private mutating func rescanAll(
        watches: WatchRegistry, rateLimited: Bool, inotify: Inotify? = nil, buffer: UnsafeMutableRawBufferPointer? = nil
    ) -> EventInbox {
        let configuration = monitor.configuration
        let rate = rateLimited ? configuration.rescanRateMegabytesPerSecond.map { $0 * 1e6 } : nil
        let inbox = EventInbox()
        var pause: ((Duration) -> Void)?
        if let inotify, let buffer {
            let wake = monitor.wake
            let counters = monitor
            pause = { duration in
                let read = inbox.readEvents(from: inotify, into: buffer, for: duration, wake: wake)
                if read > 0 { counters.counters.withLock { $0.eventsReadDuringRescans += read } }
            }
        }
        let (snapshot, _) = scanner.scanAll(rateLimit: rate, directoryListed: watches.watch, pause: pause)
        var next = state
        let changes = next.scanCompleted(snapshot, roots: configuration.paths)
        monitor.counters.withLock { $0.fullRescans += 1 }
        fullRescanDue = configuration.rescanInterval.map { clock.now.advanced(by: $0) }
        commit(changes, next: next, watches: watches)
        return inbox
    }

    private mutating func rescan(_ scopes: [RescanScope], watches: WatchRegistry) {
        let (snapshot, _) = scanner.scan(scopes, directoryListed: watches.watch)
        var next = state
        let changes = next.scopesRescanned(snapshot, scopes: scopes)
        commit(changes, next: next, watches: watches)
    }

    /// Hands `changes` to the consumer and adopts `next` as the state, unless the consumer's
    /// buffer is full: then the state stays as it was and a full rescan reports them again.
    private mutating func commit(_ changes: [FileChange], next: FileIntegrityState, watches: WatchRegistry) {
        for root in monitor.configuration.paths where next.snapshot[root].map({ $0.type != .directory }) ?? false {
            watches.watchFileRoot(root)
        }
        monitor.counters.withLock {
            $0.watches = watches.watchCount
            $0.unwatchedDirectories = watches.unwatchedDirectories.count
        }
        guard !changes.isEmpty else {
            state = next
            return
        }
        switch monitor.continuation.yield(changes) {
        case .enqueued, .terminated:
            state = next
            unsaved = true
        case .dropped:
            monitor.counters.withLock { $0.droppedBatches += 1 }
            let retry = clock.now.advanced(by: monitor.configuration.unwatchedRescanInterval)
            fullRescanDue = min(fullRescanDue ?? retry, retry)
        @unknown default:
            state = next
        }
    }

    private func timeoutMilliseconds() -> Int32 {
        let now = clock.now
        var due = unwatchedRescanDue
        if let full = fullRescanDue { due = min(due, full) }
        if let writing = beingWritten.values.min() { due = min(due, writing.advanced(by: Self.writeSettleTime)) }
        let wait = max(now.duration(to: due), .zero)
        let milliseconds = wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000
        return Int32(min(max(milliseconds, 1), 1000))
    }
}
