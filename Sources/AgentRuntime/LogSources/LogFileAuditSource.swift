/// Follows auditd's log file like `tail -F`, without losing or repeating lines across
/// rotation and restarts: the source for hosts that keep auditd (`log_file` in auditd.conf(5),
/// usually /var/log/audit/audit.log).
///
/// - Reads in large chunks on a dedicated thread; lines are bounded (``LineSplitter``).
/// - At the end of the file it waits for an inotify(7) event on the file's directory
///   (IN_MODIFY, IN_CREATE, IN_MOVED_FROM/TO, IN_DELETE, IN_CLOSE_WRITE: a directory watch
///   reports them for the files inside, so one watch survives rotation), or at most
///   ``Configuration/pollInterval`` (the fallback when inotify is unavailable or events are missed).
/// - Rotation by rename + create (auditd's `max_log_file_action = rotate`, logrotate's default):
///   when the path names another inode, the old file is read on until it has not grown for
///   ``Configuration/rotationGracePeriod`` (a writer may append until it reopens), its partial
///   last line is delivered, and the files rotated after it are read in order (`audit.log.N`
///   down to `.1`, found by inode and fingerprint as after a restart), then the new file from
///   0: a reader several rotations behind skips none.
/// - Rotation by copytruncate: when the file shrinks below what was read, reading restarts at 0
///   and ``LogSourceCounters/truncations`` counts it (lines written between the copy and the
///   truncation cannot be recovered, and a file that grows back past the old offset before the
///   reader looks is not noticed: prefer rename + create).
/// - A last line without a line feed waits ``Configuration/partialLineTimeout`` for it, then
///   is delivered flagged ``LogLine/Flags/unterminated``.
/// - Resumes from a position the caller saved (``CheckpointStore``); see ``ResumePlan``.
///
/// ```swift
/// let store = CheckpointStore(directory: "/var/lib/herdwatch")
/// let source = try LogFileAuditSource.start(.init(path: "/var/log/audit/audit.log"), resumingFrom: try store.load())
/// for await batch in source.batches { ship(batch); if let p = batch.position { try store.save(p) } }
/// ```
public final class LogFileAuditSource: AuditSource {
    public struct Configuration: Sendable {
        /// The followed path.
        public var path: String
        /// Longer lines are cut and flagged (``LogLine/Flags/cut``).
        public var maximumLineLength = 64 * 1024
        /// Bytes asked of each read(2).
        public var chunkSize = 1 << 20
        /// Batches the reader may run ahead of the consumer.
        public var capacity = 8
        /// Longest wait between checks of the file when no inotify event arrives.
        public var pollInterval: Duration = .seconds(1)
        /// How long a last line without a line feed waits for it.
        public var partialLineTimeout: Duration = .seconds(5)
        /// How long a rotated-away file must stay unchanged before the new file is read.
        public var rotationGracePeriod: Duration = .seconds(1)

        public init(path: String) {
            self.path = path
        }
    }

    public let configuration: Configuration
    private let handoff: LineHandoff

    private init(configuration: Configuration, handoff: LineHandoff) {
        self.configuration = configuration
        self.handoff = handoff
    }

    /// Plans where to resume and starts following on a dedicated thread. The path need not
    /// exist yet: the source waits for it.
    /// - Parameters:
    ///   - configuration: the path and limits.
    ///   - checkpoint: a position saved from an earlier batch, or `nil` to read the file from
    ///     its start. When it names neither the live file nor a rotated sibling,
    ///     ``LogSourceCounters/possibleGaps`` counts it and the first batch says so.
    /// - Throws: ``LogSourceError`` `.threadUnavailable`.
    public static func start(_ configuration: Configuration, resumingFrom checkpoint: LogPosition?) throws(LogSourceError) -> LogFileAuditSource {
        let plan = checkpoint.map {
            Self.plan(checkpoint: $0, live: candidate(path: configuration.path, checkpoint: $0), rotated: rotatedSiblings(of: configuration.path, checkpoint: $0))
        } ?? ResumePlan()
        let handoff = try LineHandoff(capacity: configuration.capacity)
        if plan.possibleGap { handoff.count { $0.possibleGaps += 1 } }
        try handoff.start {
            var follower = Follower(configuration: configuration, plan: plan, resumeFile: checkpoint, handoff: handoff)
            follower.run()
        }
        return LogFileAuditSource(configuration: configuration, handoff: handoff)
    }

    public var batches: LogLineBatches { handoff.batches }
    public var counters: LogSourceCounters { handoff.counters }
    public func stop() { handoff.stop() }

    /// A source nobody holds any more stops its thread (which holds only the handoff).
    deinit { handoff.stop() }
}
