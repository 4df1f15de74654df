/// What one path held at one scan: its lstat(2) metadata and, for regular files, the SHA-256
/// of its content.
///
/// Symlinks are never followed: a symlink's state is its own inode plus its `target` text
/// (readlink(2)). `sha256` is nil for everything that is not a regular file, and for regular
/// files larger than the configured maximum (their metadata is still recorded, so growth,
/// owner and mode changes are still seen).
public struct FileState: Hashable, Sendable {
    public var type: FileType
    /// Permission bits including setuid, setgid and sticky (`st_mode & 07777`).
    public var mode: UInt32
    public var uid: UInt32
    public var gid: UInt32
    /// Size in bytes (`st_size`).
    public var size: UInt64
    /// Modification time in nanoseconds since the Unix epoch (`st_mtim`).
    public var mtimeNanoseconds: Int64
    public var inode: UInt64
    /// A symlink's target text, exactly as readlink(2) returns it; nil for other types.
    public var target: String?
    /// Lower-case hexadecimal SHA-256 of a regular file's content; nil when not hashed.
    public var sha256: String?

    public init(
        type: FileType, mode: UInt32, uid: UInt32, gid: UInt32, size: UInt64,
        mtimeNanoseconds: Int64, inode: UInt64, target: String? = nil, sha256: String? = nil
    ) {
        self.type = type
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.size = size
        self.mtimeNanoseconds = mtimeNanoseconds
        self.inode = inode
        self.target = target
        self.sha256 = sha256
    }

    /// True when what the path holds differs: another type, other bytes, another symlink target.
    /// Directory sizes are ignored: they follow the number of entries, which is reported per entry.
    public func contentDiffers(from other: FileState) -> Bool {
        if type != other.type || sha256 != other.sha256 || target != other.target { return true }
        return type == .regular && size != other.size
    }

    /// True when ownership, permissions, inode or (for non-directories) mtime differ.
    /// A directory's mtime moves with every entry created or deleted in it; those entries are
    /// reported themselves, so counting it here would report each creation twice.
    public func attributesDiffer(from other: FileState) -> Bool {
        if mode != other.mode || uid != other.uid || gid != other.gid || inode != other.inode { return true }
        return type != .directory && mtimeNanoseconds != other.mtimeNanoseconds
    }
}

/// The file type bits of `st_mode` (inode(7)), spelled as in the JSON form and the state file.
public enum FileType: String, Hashable, Sendable, CaseIterable {
    case regular = "file"
    case directory = "dir"
    case symlink
    case fifo
    case socket
    case characterDevice = "char"
    case blockDevice = "block"
    case unknown
}
