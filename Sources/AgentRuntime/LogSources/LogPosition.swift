/// Where a log source stands in a file: the file's identity (st_dev, st_ino; stat(2)) and
/// the byte offset just after the last byte delivered. The identity, not the path, names
/// the file, because rotation renames files (auditd.conf(5) `max_log_file_action = rotate`
/// renames `audit.log` to `audit.log.1`; logrotate(8) does the same unless `copytruncate`).
///
/// Inode numbers are reused: once a rotated file is deleted, a new `audit.log` often gets its
/// number. So a position also holds a ``fingerprint`` of the file's first bytes, and a
/// resume trusts (device, inode) only when the fingerprint matches too.
public struct LogPosition: Sendable, Hashable, CustomStringConvertible {
    /// st_dev of the file.
    public var device: UInt64
    /// st_ino of the file.
    public var inode: UInt64
    /// Bytes from the start of the file; every byte before it has been delivered.
    public var offset: Int64
    /// ``FileFingerprint`` of the file's first `min(offset, FileFingerprint.coveredBytes)` bytes:
    /// bytes already delivered, which an append-only log never changes.
    public var fingerprint: UInt64

    public init(device: UInt64, inode: UInt64, offset: Int64, fingerprint: UInt64 = FileFingerprint.empty) {
        self.device = device
        self.inode = inode
        self.offset = offset
        self.fingerprint = fingerprint
    }

    /// Whether `other` names the same file (device and inode), whatever the offsets.
    public func isSameFile(as other: LogPosition) -> Bool {
        device == other.device && inode == other.inode
    }

    public var description: String { "dev \(device) ino \(inode) @\(offset)" }
}
