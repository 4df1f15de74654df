/// Counts from one scan, for logs, metrics and the benchmark's files/s and MB/s.
public struct ScanStatistics: Hashable, Sendable {
    /// Paths recorded, of every type.
    public var entries = 0
    public var regularFiles = 0
    public var bytesHashed: UInt64 = 0
    /// Regular files over `max_file_size`: recorded by metadata only.
    public var oversizedFiles = 0
    /// Files that could not be opened or read (recorded without a hash).
    public var hashFailures = 0
    /// Directories that could not be listed (recorded, not descended).
    public var unreadableDirectories = 0
    /// Directory entries whose names are not valid UTF-8: not recorded (counted so they are
    /// never missed silently).
    public var undecodableNames = 0
    /// Mount points of proc, sysfs and similar pseudo file systems: recorded, not descended.
    public var pseudoFileSystemsSkipped = 0

    public init() {}
}
