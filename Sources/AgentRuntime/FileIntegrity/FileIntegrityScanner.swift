import FileIntegrity
import Glibc

/// Scans the configured roots into a ``FileSnapshot``: the blocking work behind both
/// `herdwatch-agent scan` and the monitor's rescans.
///
/// Not Sendable: it owns a ``FileHasher`` buffer and belongs to one thread. Run it off the
/// cooperative pool (STYLE.md §5): the command calls it from a synchronous `run()`, the
/// monitor from its own scanning thread.
public final class FileIntegrityScanner {
    public let configuration: FIMConfiguration
    private let hasher = FileHasher()

    /// - Parameter configuration: roots must already be normalized (``normalizedRoots(_:)``).
    public init(configuration: FIMConfiguration) {
        self.configuration = configuration
    }

    /// Resolves configured paths to absolute, symlink-free paths (realpath(3)), so snapshot
    /// keys are the same whatever spelling the configuration used, and drops paths inside
    /// another configured path (`/etc` and `/etc/ssl`), so no file is reported twice.
    /// - Throws: ``FIMError`` `.rootMissing` for a path that does not exist.
    public static func normalizedRoots(_ paths: [String]) throws -> [String] {
        var roots: [String] = []
        for path in paths {
            guard let resolved = realpath(path, nil) else { throw FIMError(.rootMissing, path: path, cause: Errno(errno)) }
            defer { free(resolved) }
            let root = String(cString: resolved)
            if !roots.contains(root) { roots.append(root) }
        }
        return roots.filter { root in !roots.contains { $0 != root && FileSnapshot.path(root, isWithin: $0) } }
    }

    /// Scans every root.
    /// - Parameters:
    ///   - rateLimit: the hashing budget in bytes per second, or nil for as fast as the disk goes.
    ///   - directoryListed: called with every directory listed (to add inotify watches).
    ///   - pause: waits out a rate-limit pause; nanosleep(2) when nil. The monitor reads inotify
    ///     events meanwhile, so a long rescan does not let the kernel's event queue overflow.
    public func scanAll(
        rateLimit bytesPerSecond: Double? = nil, directoryListed: ((String) -> Void)? = nil,
        pause: ((Duration) -> Void)? = nil
    ) -> (snapshot: FileSnapshot, statistics: ScanStatistics) {
        if let bytesPerSecond {
            let clock = ContinuousClock()
            var limiter = ScanRateLimiter(bytesPerSecond: bytesPerSecond, start: clock.now)
            hasher.bytesRead = { count in
                let wait = limiter.bytesRead(count, at: clock.now)
                if wait > .zero { (pause ?? Self.sleep)(wait) }
            }
        }
        defer { hasher.bytesRead = nil }
        var walker = DirectoryWalker(configuration: configuration, hasher: hasher)
        walker.directoryListed = directoryListed
        var snapshot = FileSnapshot()
        for root in configuration.paths {
            walker.walk(root, recursive: configuration.recursive, checkFilter: false, into: &snapshot)
        }
        return (snapshot, walker.statistics)
    }

    /// Rescans parts of the roots (after inotify events, or directories without a watch).
    /// - Parameters:
    ///   - scopes: what to record afresh; a path that no longer exists records nothing.
    ///   - directoryListed: called with every directory listed (new subdirectories get watches).
    public func scan(
        _ scopes: [RescanScope], directoryListed: ((String) -> Void)? = nil
    ) -> (snapshot: FileSnapshot, statistics: ScanStatistics) {
        var walker = DirectoryWalker(configuration: configuration, hasher: hasher)
        walker.directoryListed = directoryListed
        var snapshot = FileSnapshot()
        for scope in scopes {
            let isRoot = configuration.paths.contains(scope.path)
            switch scope {
            case .entry(let path):
                walker.recordEntry(path, checkFilter: !isRoot, into: &snapshot)
            case .subtree(let path) where !configuration.recursive && !isRoot:
                walker.recordEntry(path, checkFilter: true, into: &snapshot)
            case .subtree(let path):
                let recursive = configuration.recursive || isRoot
                walker.walk(path, recursive: recursive, checkFilter: !isRoot, into: &snapshot)
            }
        }
        return (snapshot, walker.statistics)
    }

    /// Blocks this (dedicated, non-pool) thread for `duration` (nanosleep(2)).
    static func sleep(_ duration: Duration) {
        var request = timespec(
            tv_sec: Int(duration.components.seconds), tv_nsec: Int(duration.components.attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
