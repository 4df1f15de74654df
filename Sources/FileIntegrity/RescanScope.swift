/// Which part of a snapshot a partial rescan covers, so the rescan replaces exactly that part.
///
/// An inotify event names one entry (a file written, a mode changed) or a whole subtree (a
/// directory created, moved in or deleted); a fallback scan of an unwatched directory covers
/// its subtree.
public enum RescanScope: Hashable, Sendable {
    /// The path itself, not what lies below it.
    case entry(String)
    /// The path and everything below it.
    case subtree(String)

    public var path: String {
        switch self {
        case .entry(let path), .subtree(let path): path
        }
    }

    /// True when `candidate` is covered by this scope.
    public func contains(_ candidate: String) -> Bool {
        switch self {
        case .entry(let path): candidate == path
        case .subtree(let path): FileSnapshot.path(candidate, isWithin: path)
        }
    }
}

extension FileSnapshot {
    /// The entries covered by any of `scopes`.
    public func subset(covering scopes: [RescanScope]) -> FileSnapshot {
        FileSnapshot(entries: entries.filter { entry in scopes.contains { $0.contains(entry.key) } })
    }

    /// Replaces the entries covered by `scopes` with `replacement`, a rescan of those scopes.
    public mutating func replace(covering scopes: [RescanScope], with replacement: FileSnapshot) {
        var kept = entries.filter { entry in !scopes.contains { $0.contains(entry.key) } }
        kept.merge(replacement.entries) { _, new in new }
        self = FileSnapshot(entries: kept)
    }
}
