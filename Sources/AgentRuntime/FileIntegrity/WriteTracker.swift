import FileIntegrity

/// Regular files that inotify says are open for writing (IN_CREATE or IN_MODIFY seen, no
/// IN_CLOSE_WRITE yet): the rule that a file is hashed and reported once its writer is done,
/// never half-written.
///
/// - IN_CREATE, IN_MODIFY and IN_ATTRIB on a file being written mark it pending
///   (``written(_:at:)``); nothing is reported and no rescan may hash it meanwhile
///   (``holdBack(_:covering:stored:inventoriedRoots:)``).
/// - IN_CLOSE_WRITE (or the path deleted, moved, replaced) ends that (``closed(_:)``): the
///   monitor rescans it at once, so a closed file is reported well within a second.
/// - A writer that never closes (a log held open, a file left open and idle) is not waited for
///   forever: a path is ``due(at:)`` once no write came for ``quietPeriod``, or
///   ``longestDelay`` after its first write even while writes keep coming. It is then hashed
///   as it is; later writes start the rule again. The longest delay counts from the first
///   write not reported yet, across closes: a writer that closes and reopens the file so
///   often that every rescan finds it open again is still reported within that delay.
///
/// Limits: only events say a file is open. A file already open and idle when a directory is
/// first walked (the first scan, a directory just created or moved in, before its watch) is
/// hashed as it is and, if written again, reported again at its close. Directories without a
/// watch are covered by the monitor's mtime rule instead (``MonitorLoop``).
///
/// Pure: it owns no clock, so the rule is tested without a kernel. Not Sendable: it belongs to
/// the monitor's thread.
struct WriteTracker {
    typealias Instant = ContinuousClock.Instant

    /// How long a file open for writing must go without a write before it is reported anyway.
    static let defaultQuietPeriod: Duration = .seconds(2)
    /// How long a file kept open and written without pause waits at most before it is reported.
    static let defaultLongestDelay: Duration = .seconds(30)

    struct Writing: Hashable {
        var firstWrite: Instant
        var lastWrite: Instant
        /// IN_CREATE was seen: the file did not exist before this write began.
        var created: Bool
    }

    let quietPeriod: Duration
    let longestDelay: Duration
    private(set) var writing: [String: Writing] = [:]
    /// Paths returned by ``due(at:)`` and not yet through a scan: the next scan covering them
    /// reports them even if writes came in again meanwhile (else a log written without pause
    /// would be held back for ever).
    private(set) var overdue: Set<String> = []
    /// The first write of each path not reported since (kept across its closes).
    private(set) var firstUnreported: [String: Instant] = [:]

    init(quietPeriod: Duration = Self.defaultQuietPeriod, longestDelay: Duration = Self.defaultLongestDelay) {
        self.quietPeriod = quietPeriod
        self.longestDelay = longestDelay
    }

    func isBeingWritten(_ path: String) -> Bool { writing[path] != nil }

    /// IN_CREATE (`created`), IN_MODIFY (or IN_ATTRIB while pending) for `path` at `now`.
    mutating func written(_ path: String, at now: Instant, created: Bool = false) {
        let first = firstUnreported[path] ?? now
        firstUnreported[path] = first
        if let known = writing[path] {
            writing[path] = Writing(
                firstWrite: first, lastWrite: max(known.lastWrite, now), created: known.created || created)
        } else {
            writing[path] = Writing(firstWrite: first, lastWrite: now, created: created)
        }
    }

    /// The writer closed `path` (IN_CLOSE_WRITE), or it was deleted, moved or replaced: it is
    /// rescanned now, so it is no longer held back.
    mutating func closed(_ path: String) {
        writing[path] = nil
    }

    /// Forgets every path at or below `directory` (a directory moved away or deleted: its
    /// entries are rescanned where they went).
    mutating func forget(within directory: String) {
        writing = writing.filter { !FileSnapshot.path($0.key, isWithin: directory) }
        firstUnreported = firstUnreported.filter { !FileSnapshot.path($0.key, isWithin: directory) }
        overdue = overdue.filter { !FileSnapshot.path($0, isWithin: directory) }
    }

    private func dueInstant(_ entry: Writing) -> Instant {
        min(entry.lastWrite.advanced(by: quietPeriod), entry.firstWrite.advanced(by: longestDelay))
    }

    /// When the next path becomes due, or nil when none is being written.
    var nextDue: Instant? { writing.values.map(dueInstant).min() }

    /// Removes and returns, sorted, the paths whose writer went quiet for ``quietPeriod`` or
    /// has been writing for ``longestDelay``: they are to be hashed as they are now.
    mutating func due(at now: Instant) -> [String] {
        let paths = writing.filter { dueInstant($0.value) <= now }.keys.sorted()
        for path in paths {
            writing[path] = nil
            overdue.insert(path)
        }
        return paths
    }

    /// Makes a fresh scan say nothing about files being written: each keeps what `stored` (the
    /// monitor's state) has for it, or is left out when the state has nothing (not created
    /// yet, as far as reports go). Their close, or ``due(at:)``, reports them.
    ///
    /// One exception: a file that existed before it was seen written (no IN_CREATE), under a
    /// root not inventoried yet, stays in the scan: it belongs in the root's inventory, and
    /// its close reports it as modified rather than as created.
    /// - Parameters:
    ///   - scopes: what `scan` covers, nil for everything: overdue paths in there are
    ///     reported by this scan, whatever was written since.
    ///   - inventoriedRoots: the roots whose inventory was already reported.
    mutating func holdBack(
        _ scan: inout FileSnapshot, covering scopes: [RescanScope]?, stored: FileSnapshot, inventoriedRoots: Set<String>
    ) {
        func covered(_ path: String) -> Bool { scopes?.contains { $0.contains(path) } ?? true }
        let reported = overdue.filter(covered)
        overdue.subtract(reported)
        var held: Set<String> = []
        for (path, entry) in writing where !reported.contains(path) {
            if stored[path] == nil, !entry.created,
               !inventoriedRoots.contains(where: { FileSnapshot.path(path, isWithin: $0) }) { continue }
            scan[path] = stored[path]
            held.insert(path)
        }
        for path in firstUnreported.keys where !held.contains(path) && covered(path) {
            firstUnreported[path] = nil
        }
    }
}
