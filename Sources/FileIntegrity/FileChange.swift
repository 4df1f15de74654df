/// One thing that happened to one path between two scans, or one inventory line of a first scan.
///
/// This is the value the shipper stores: a Sendable struct with the path, the kind and the
/// states before and after, so the service can judge content (hashes) and attributes apart.
///
/// | kind | `old` | `new` | `oldPath` |
/// |---|---|---|---|
/// | inventory | nil | state | nil |
/// | created | nil | state | nil |
/// | modified | state | state | nil |
/// | attributesChanged | state | state | nil |
/// | deleted | state | nil | nil |
/// | renamed | state | state | the path before |
public struct FileChange: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// A path found by the first scan of its root: recorded, not a change.
        case inventory
        case created
        /// Content changed: other bytes, another type, another symlink target.
        case modified
        /// Mode, owner, group, inode or mtime changed, content did not.
        case attributesChanged = "attributes"
        case deleted
        /// The same file (same inode, or the same content when the inode differs) moved from `oldPath` to `path`.
        case renamed
    }

    public var kind: Kind
    public var path: String
    public var oldPath: String?
    public var old: FileState?
    public var new: FileState?

    public init(kind: Kind, path: String, oldPath: String? = nil, old: FileState? = nil, new: FileState? = nil) {
        self.kind = kind
        self.path = path
        self.oldPath = oldPath
        self.old = old
        self.new = new
    }
}
