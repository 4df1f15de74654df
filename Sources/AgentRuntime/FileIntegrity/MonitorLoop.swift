import FileIntegrity
import Glibc
import FleetModel

/// The body of ``FileIntegrityMonitor``'s thread: owns the scanner, the state and the
/// watches, so none of them needs a lock.
struct MonitorLoop {
    /// After the first event, how long to keep collecting events before rescanning, so the
    /// two halves of a rename (IN_MOVED_FROM, IN_MOVED_TO) land in one batch.
    static let batchWindow: Duration = .milliseconds(50)
    /// Least time between two state saves while changes keep coming; a crash in between
    /// re-reports those changes on restart rather than losing them.
    static let saveInterval: Duration = .seconds(5)
    /// A file in a directory without a watch (no events tell when its writer is done) whose
    /// mtime is this recent is left for the next scan of that directory, once: it may be half-written.
    static let unwatchedWriteSettleTime: Duration = .seconds(1)

    private let monitor: FileIntegrityMonitor
    private let scanner: FileIntegrityScanner
    private let clock = ContinuousClock()
    private var state = FileIntegrityState()
    private var pending: Set<RescanScope> = []
    /// Files created or written and not closed yet: held back from every report until closed.
    private var writes = WriteTracker()
    /// Files in unwatched directories left for the next scan because they had just been written.
    private var deferredUnwatched: Set<String> = []
    /// Set while ``run()`` runs: scans read the events queued meanwhile before they report.
    private var inotify: Inotify?
    private var eventBuffer: UnsafeMutableRawBufferPointer?
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
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 8)
        defer { buffer.deallocate() }
        self.inotify = inotify
        eventBuffer = buffer
        defer {
            self.inotify = nil
            eventBuffer = nil
        }
        rescanAll(watches: watches, rateLimited: false)
        save()
        while !monitor.wake.isSignaled {
            if inotify.wait(wake: monitor.wake.readEnd, timeoutMilliseconds: timeoutMilliseconds()) {
                collectEvents(inotify: inotify, watches: watches, buffer: buffer)
            }
            runDueScans(watches: watches)
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
            switch scope {
            case .entry(let path): writes.closed(path)
            case .subtree(let path): writes.forget(within: path)
            }
            pending.insert(scope)
        case .rescanAfterWrite(let path):
            // IN_CREATE also comes for symlinks, FIFOs, sockets and hard links, which have no
            // writer to wait for: only a regular file is held until its close.
            if writes.isBeingWritten(path) || mayBeOpenForWriting(path, created: event.has(IN_CREATE)) {
                writes.written(path, at: clock.now, created: event.has(IN_CREATE))
            } else {
                pending.insert(.entry(path))
            }
        case .rescanUnlessBeingWritten(let path):
            if writes.isBeingWritten(path) {
                writes.written(path, at: clock.now)
            } else {
                pending.insert(.entry(path))
            }
        case .unwatchAndRescan(let path):
            watches.forgetSubtree(path)
            writes.forget(within: path)
            pending.insert(.subtree(path))
        case .none:
            break
        }
    }

    private mutating func runDueScans(watches: WatchRegistry) {
        let now = clock.now
        for path in writes.due(at: now) {
            pending.insert(.entry(path))
        }
        if let due = fullRescanDue, due <= now {
            pending = []
            rescanAll(watches: watches, rateLimited: true)
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
                rescan(tops.map(RescanScope.subtree), watches: watches, unwatched: true)
            }
        }
    }

    /// A full rescan. Rate-limit pauses read inotify events into an inbox; they, and the events
    /// queued by the end of the scan, are handled before the scan reports, so a file that was
    /// being written meanwhile is held back (``WriteTracker``) rather than reported half-written.
    private mutating func rescanAll(watches: WatchRegistry, rateLimited: Bool) {
        let configuration = monitor.configuration
        let rate = rateLimited ? configuration.rescanRateMegabytesPerSecond.map { $0 * 1e6 } : nil
        let inbox = EventInbox()
        var pause: ((Duration) -> Void)?
        if rateLimited, let inotify, let buffer = eventBuffer {
            let wake = monitor.wake
            let counters = monitor
            pause = { duration in
                counters.counters.withLock { $0.rescanPauses += 1 }
                let read = inbox.readEvents(from: inotify, into: buffer, for: duration, wake: wake)
                if read > 0 { counters.counters.withLock { $0.eventsReadDuringRescans += read } }
            }
        }
        var (snapshot, _) = scanner.scanAll(rateLimit: rate, directoryListed: watches.watch, pause: pause)
        monitor.counters.withLock { $0.fullRescans += 1 }
        fullRescanDue = configuration.rescanInterval.map { clock.now.advanced(by: $0) }
        for event in inbox.events { eventReceived(event, watches: watches) }
        if inbox.overflowed {
            monitor.counters.withLock { $0.queueOverflows += 1 }
            fullRescanDue = clock.now
        }
        holdBackUnsettled(&snapshot, covering: nil, holdPending: true, watches: watches)
        var next = state
        let changes = next.scanCompleted(snapshot, roots: configuration.paths)
        commit(changes, next: next, watches: watches)
    }

    /// Rescans `scopes`, holding back files being written. `unwatched`: the scopes are
    /// directories without a watch, where no event says when a writer is done; a regular file
    /// whose content changed and whose mtime is under ``unwatchedWriteSettleTime`` old is left
    /// for the next such scan (brought forward to that settle time), once, so a long-written
    /// file is still reported then.
    private mutating func rescan(_ scopes: [RescanScope], watches: WatchRegistry, unwatched: Bool = false) {
        var (snapshot, _) = scanner.scan(scopes, directoryListed: watches.watch)
        holdBackUnsettled(&snapshot, covering: scopes, holdPending: unwatched, watches: watches)
        if unwatched { deferRecentlyWritten(&snapshot, scopes: scopes) }
        var next = state
        let changes = next.scopesRescanned(snapshot, scopes: scopes)
        commit(changes, next: next, watches: watches)
    }

    private mutating func deferRecentlyWritten(_ snapshot: inout FileSnapshot, scopes: [RescanScope]) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let nowNanoseconds = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
        let settle = Self.unwatchedWriteSettleTime
        let settleNanoseconds = settle.components.seconds * 1_000_000_000 + settle.components.attoseconds / 1_000_000_000
        var deferredNow: Set<String> = []
        for (path, fresh) in snapshot.entries where fresh.type == .regular {
            let age = nowNanoseconds - fresh.mtimeNanoseconds
            guard age >= 0, age < settleNanoseconds, !deferredUnwatched.contains(path) else { continue }
            if let stored = state.snapshot[path], !fresh.contentDiffers(from: stored) { continue }
            snapshot[path] = state.snapshot[path]
            deferredNow.insert(path)
        }
        deferredUnwatched = deferredUnwatched.filter { path in !scopes.contains { $0.contains(path) } }.union(deferredNow)
        if !deferredNow.isEmpty {
            unwatchedRescanDue = min(unwatchedRescanDue, clock.now.advanced(by: settle))
        }
    }

    /// Before a scan reports: handles the inotify events queued while it ran, then keeps the
    /// stored state for every path the scan may have caught mid-write: files being written
    /// (``WriteTracker``), and, with `holdPending` (scans no event asked for: full and
    /// unwatched rescans), paths with an event still pending (a file closed after the scan
    /// hashed it), which the partial rescan right after reports with their final content. A
    /// partial rescan does not hold back its own pending paths: a file rewritten and closed
    /// faster than rescans go would otherwise never be reported.
    /// Under a root not inventoried yet only the writes are held back: the inventory lists what is there.
    private mutating func holdBackUnsettled(
        _ snapshot: inout FileSnapshot, covering scopes: [RescanScope]?, holdPending: Bool, watches: WatchRegistry
    ) {
        readQueuedEvents(watches: watches)
        writes.holdBack(&snapshot, covering: scopes, stored: state.snapshot, inventoriedRoots: state.inventoriedRoots)
        guard holdPending else { return }
        let roots = state.inventoriedRoots
        let unsettled = pending.filter { scope in roots.contains { FileSnapshot.path(scope.path, isWithin: $0) } }
        guard !unsettled.isEmpty else { return }
        let scopes = Array(unsettled)
        snapshot.replace(covering: scopes, with: state.snapshot.subset(covering: scopes))
    }

    /// Handles the inotify events already queued (without waiting), so a scan knows of every
    /// file opened for writing before it reports.
    private mutating func readQueuedEvents(watches: WatchRegistry) {
        guard let inotify, let buffer = eventBuffer else { return }
        while case .success(let events) = inotify.readEvents(into: buffer), !events.isEmpty {
            for event in events { eventReceived(event, watches: watches) }
        }
    }

    /// True for a regular file; for IN_CREATE, one with a single link (link(2) makes a second
    /// name for a file without opening it).
    private func mayBeOpenForWriting(_ path: String, created: Bool) -> Bool {
        guard case .success(let info) = FileSystemCalls.lstat(path) else { return false }
        return info.st_mode & S_IFMT == S_IFREG && (!created || info.st_nlink == 1)
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
        if !pending.isEmpty { return 1 }
        let now = clock.now
        var due = unwatchedRescanDue
        if let full = fullRescanDue { due = min(due, full) }
        if let writing = writes.nextDue { due = min(due, writing) }
        let wait = max(now.duration(to: due), .zero)
        let milliseconds = wait.inMilliseconds
        return Int32(min(max(milliseconds, 1), 1000))
    }
}
