extension LogFileAuditSource {
    /// What the follower sees when the live file has no more bytes: the input of
    /// ``decide(_:configuration:)``. Durations are measured by the follower, so the decision
    /// itself is pure and tested without files or clocks.
    struct EndOfFile: Sendable, Hashable {
        /// fstat(2) of the open file, `nil` if it failed.
        var openFile: FileStatus?
        /// Bytes read from the open file.
        var readOffset: Int64
        /// stat(2) of the followed path, `nil` when it does not exist (between a rename and
        /// the create).
        var pathFile: FileStatus?
        /// Bytes of a line still waiting for its line feed.
        var pendingBytes: Int
        /// Time since the open file last grew.
        var sinceGrowth: Duration
        /// Time since the path was first seen naming another file; `nil` if it was not.
        var sinceRotationNoticed: Duration?
    }

    enum EndOfFileAction: Sendable, Hashable {
        /// The file shrank below what was read (copytruncate): deliver the partial line and
        /// read it again from 0.
        case restartTruncated
        /// The path names another file and the open one stayed unchanged for the grace
        /// period: deliver its partial line, close it, open the path.
        case switchToNewFile
        /// Wait for a change at most `timeout`, first delivering the partial line if its
        /// timeout expired. `rotationPending` says whether the path names another file.
        case wait(timeout: Duration, flushPartialLine: Bool, rotationPending: Bool)
    }

    /// Decides what to do at the end of the live file.
    static func decide(_ state: EndOfFile, configuration: Configuration) -> EndOfFileAction {
        if let open = state.openFile, open.size < state.readOffset {
            return .restartTruncated
        }
        var rotationPending = false
        if let path = state.pathFile, let open = state.openFile, path.device != open.device || path.inode != open.inode {
            rotationPending = true
            let noticed = state.sinceRotationNoticed ?? .zero
            if noticed >= configuration.rotationGracePeriod { return .switchToNewFile }
        }
        var timeout = configuration.pollInterval
        var flush = false
        if state.pendingBytes > 0 {
            if state.sinceGrowth >= configuration.partialLineTimeout {
                flush = true
            } else {
                timeout = min(timeout, configuration.partialLineTimeout - state.sinceGrowth)
            }
        }
        if rotationPending {
            timeout = min(timeout, configuration.rotationGracePeriod - (state.sinceRotationNoticed ?? .zero))
        }
        return .wait(timeout: max(timeout, .milliseconds(1)), flushPartialLine: flush, rotationPending: rotationPending)
    }
}
