import FileIntegrity
import Glibc
import Logging

/// The inotify watches of one monitor: which directory each watch descriptor stands for, and
/// which directories got none because `max_watches` or the kernel's
/// `fs.inotify.max_user_watches` ran out (inotify(7), ENOSPC).
///
/// Directories without a watch are never silently ignored: they are listed in
/// ``unwatchedDirectories``, the monitor rescans them every `unwatched_rescan_interval`,
/// and crossing the limit logs a warning once.
/// Not Sendable: it belongs to the monitor's thread.
final class WatchRegistry {
    private let inotify: Inotify
    private let limit: Int
    private let logger: Logger
    private(set) var pathsByWatch: [Int32: String] = [:]
    private var watchesByPath: [String: Int32] = [:]
    private(set) var unwatchedDirectories: Set<String> = []
    private var warned = false

    init(inotify: Inotify, limit: Int, logger: Logger) {
        self.inotify = inotify
        self.limit = limit
        self.logger = logger
    }

    var watchCount: Int { pathsByWatch.count }

    /// Watches `directory`, or records it as unwatched when no watch is left.
    func watch(_ directory: String) {
        watch(directory, mask: Inotify.directoryMask)
    }

    /// Watches a root that is not a directory (a single file such as /etc/passwd). Called again
    /// after every rescan, because replacing the file (rename over it) ends its watch.
    func watchFileRoot(_ path: String) {
        watch(path, mask: Inotify.fileMask)
    }

    private func watch(_ directory: String, mask: UInt32) {
        if watchesByPath[directory] != nil { return }
        guard pathsByWatch.count < limit else { return markUnwatched(directory, reason: "max_watches") }
        switch inotify.addWatch(directory, mask: mask) {
        case .success(let watch):
            if let previous = pathsByWatch[watch] { watchesByPath[previous] = nil }
            pathsByWatch[watch] = directory
            watchesByPath[directory] = watch
            unwatchedDirectories.remove(directory)
        case .failure(let error) where error.rawValue == ENOSPC || error.rawValue == ENOMEM:
            markUnwatched(directory, reason: "fs.inotify.max_user_watches")
        case .failure:
            break  // gone or no longer a directory: its parent's event reports that
        }
    }

    /// Forgets a watch the kernel removed (IN_IGNORED after the directory was deleted).
    /// - Returns: the path it stood for.
    @discardableResult
    func watchRemoved(_ watch: Int32) -> String? {
        guard let path = pathsByWatch.removeValue(forKey: watch) else { return nil }
        if watchesByPath[path] == watch { watchesByPath[path] = nil }
        return path
    }

    /// Drops the watches and unwatched entries at or below `path` (a directory moved away:
    /// its watches would otherwise report under the old path).
    func forgetSubtree(_ path: String) {
        for (watch, watchedPath) in pathsByWatch where FileSnapshot.path(watchedPath, isWithin: path) {
            inotify.removeWatch(watch)
            pathsByWatch[watch] = nil
            watchesByPath[watchedPath] = nil
        }
        unwatchedDirectories = unwatchedDirectories.filter { !FileSnapshot.path($0, isWithin: path) }
    }

    /// The unwatched directories that no other unwatched directory contains: rescanning these
    /// as subtrees covers every unwatched directory once.
    var unwatchedTops: [String] {
        let sorted = unwatchedDirectories.sorted()
        var tops: [String] = []
        for path in sorted where !tops.contains(where: { FileSnapshot.path(path, isWithin: $0) }) {
            tops.append(path)
        }
        return tops
    }

    private func markUnwatched(_ directory: String, reason: String) {
        unwatchedDirectories.insert(directory)
        guard !warned else { return }
        warned = true
        logger.warning(
            "FIM watch limit reached: directories without an inotify watch are rescanned periodically instead",
            metadata: ["fim.limit": "\(reason)", "fim.watches": "\(pathsByWatch.count)"])
    }
}
