/// The `fim` section of the agent configuration: what to watch and how hard to work at it.
///
/// Option names match the CLI flags and the YAML keys (`max_file_size`, `max_watches`,
/// `rescan_interval`, `rescan_rate_mb_per_s`, `unwatched_rescan_interval`).
public struct FIMConfiguration: Hashable, Sendable {
    /// Roots to watch: absolute, normalized paths.
    public var paths: [String]
    /// Descend into subdirectories (otherwise only each root's direct entries).
    public var recursive: Bool
    public var filter: PathFilter
    /// Regular files larger than this are recorded by metadata only, not hashed.
    public var maxFileSizeBytes: UInt64
    /// Most inotify watches (one per directory) this agent adds; directories beyond are
    /// rescanned every ``unwatchedRescanInterval`` instead. Also bounded by the kernel's
    /// `fs.inotify.max_user_watches` (inotify(7)).
    public var maxWatches: Int
    /// Time between full rescans; nil for none.
    public var rescanInterval: Duration?
    /// Hashing budget of full rescans, in MB/s (10^6 bytes); nil for unlimited. The first
    /// scan and `herdwatch-agent scan` are not limited.
    public var rescanRateMegabytesPerSecond: Double?
    /// Time between scans of directories that got no inotify watch.
    public var unwatchedRescanInterval: Duration

    public init(
        paths: [String], recursive: Bool = true, filter: PathFilter = PathFilter(),
        maxFileSizeBytes: UInt64 = 1 << 30, maxWatches: Int = 8192, rescanInterval: Duration? = .seconds(6 * 3600),
        rescanRateMegabytesPerSecond: Double? = 50, unwatchedRescanInterval: Duration = .seconds(60)
    ) {
        self.paths = paths
        self.recursive = recursive
        self.filter = filter
        self.maxFileSizeBytes = maxFileSizeBytes
        self.maxWatches = maxWatches
        self.rescanInterval = rescanInterval
        self.rescanRateMegabytesPerSecond = rescanRateMegabytesPerSecond
        self.unwatchedRescanInterval = unwatchedRescanInterval
    }
}
