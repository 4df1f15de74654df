/// Every path seen under the scanned roots, with its state: the unit that two scans compare.
///
/// Paths are absolute and normalized (no trailing slash, no `.`/`..`), so a path's descendants
/// are exactly the keys that start with `path + "/"`.
public struct FileSnapshot: Hashable, Sendable {
    public private(set) var entries: [String: FileState]

    public init(entries: [String: FileState] = [:]) {
        self.entries = entries
    }

    public var count: Int { entries.count }

    public subscript(path: String) -> FileState? {
        get { entries[path] }
        set { entries[path] = newValue }
    }

    /// True when `path` is `ancestor` itself or lies below it.
    public static func path(_ path: String, isWithin ancestor: String) -> Bool {
        if ancestor == "/" { return path.hasPrefix("/") }
        guard path.hasPrefix(ancestor) else { return false }
        if path.utf8.count == ancestor.utf8.count { return true }
        return path.utf8[path.utf8.index(path.utf8.startIndex, offsetBy: ancestor.utf8.count)] == UInt8(ascii: "/")
    }

    /// The entries at or below any of `paths`.
    public func subset(within paths: [String]) -> FileSnapshot {
        subset(covering: paths.map(RescanScope.subtree))
    }
}
