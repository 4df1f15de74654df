import Glibc

extension LogFileAuditSource {
    /// The reader thread's loop: reads the current file to its end, then decides between
    /// waiting, finishing a rotated file, switching to the new one, and restarting a truncated
    /// one. Owned by the thread alone, so it needs no lock. Wall time (partial-line timeout,
    /// rotation grace) comes from `ContinuousClock`, as these waits are about the writer.
    struct Follower {
        let configuration: Configuration
        let handoff: LineHandoff
        /// Rotated files still to finish before the live file, oldest first.
        private var queue: [RotatedFile]
        /// Where to start the live file the first time it is opened.
        private var liveOffset: Int64
        /// The file `liveOffset` belongs to: the checkpointed one.
        private let resumeFile: LogPosition?
        private var nextFollowsGap: Bool
        private var reader: LineReader?
        private var readingLive = false
        private var inotify: Int32?
        private let clock = ContinuousClock()
        private var lastGrowth: ContinuousClock.Instant
        /// When the path was first seen to name another file than the one being read.
        private var rotationNoticed: ContinuousClock.Instant?

        init(configuration: Configuration, plan: ResumePlan, resumeFile: LogPosition?, handoff: LineHandoff) {
            self.configuration = configuration
            self.handoff = handoff
            self.queue = plan.rotated
            self.liveOffset = plan.liveOffset
            self.resumeFile = resumeFile
            self.nextFollowsGap = plan.possibleGap
            self.lastGrowth = clock.now
        }

        mutating func run() {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: configuration.chunkSize, alignment: 16)
            defer { buffer.deallocate() }
            inotify = watchDirectory()
            defer {
                if let inotify { Syscall.close(inotify) }
                if let reader { Syscall.close(reader.descriptor) }
            }
            while !handoff.isStopping {
                if reader == nil, !openNext() {
                    guard waitForChange(timeout: configuration.pollInterval) else { return }
                    continue
                }
                let before = reader!.offset
                let outcome = reader!.readAvailable(into: buffer, handoff: handoff)
                if reader!.offset != before {
                    lastGrowth = clock.now
                    if rotationNoticed != nil { rotationNoticed = lastGrowth }
                }
                switch outcome {
                case .endOfInput: break
                case .stopped: return
                case .failed(let errno):
                    handoff.fail(LogSourceError(.readFailed, operation: "read", path: configuration.path, cause: errno))
                    return
                }
                guard readingLive else {
                    guard finishReader() else { return }
                    continue
                }
                guard atEndOfLiveFile() else { return }
            }
        }

        /// Runs ``decide(_:configuration:)`` at the end of the live file.
        /// - Returns: false when the source is stopping or failed.
        private mutating func atEndOfLiveFile() -> Bool {
            let now = clock.now
            let state = EndOfFile(
                openFile: try? Syscall.fileStatus(reader!.descriptor).get(),
                readOffset: reader!.offset,
                pathFile: try? Syscall.fileStatus(path: configuration.path).get(),
                pendingBytes: reader!.splitter.pendingByteCount,
                sinceGrowth: now - lastGrowth,
                sinceRotationNoticed: rotationNoticed.map { now - $0 }
            )
            switch LogFileAuditSource.decide(state, configuration: configuration) {
            case .restartTruncated:
                guard reader!.flush(handoff: handoff) else { return false }
                _ = Syscall.seek(reader!.descriptor, to: 0)
                reader = LineReader(descriptor: reader!.descriptor, file: reader!.file, maximumLineLength: configuration.maximumLineLength)
                handoff.count { $0.truncations += 1 }
                return true
            case .switchToNewFile:
                handoff.count { $0.rotations += 1 }
                return finishReader()
            case .wait(let timeout, let flushPartialLine, let rotationPending):
                rotationNoticed = rotationPending ? (rotationNoticed ?? now) : nil
                if flushPartialLine, !reader!.flush(handoff: handoff) { return false }
                return waitForChange(timeout: timeout)
            }
        }

        /// Opens the next rotated file to finish (skipping, as a possible gap, one that is gone),
        /// or the live file.
        /// - Returns: true when ``reader`` is set; false when there is nothing to open yet (the
        ///   path does not exist).
        private mutating func openNext() -> Bool {
            if !queue.isEmpty {
                let next = queue.removeFirst()
                guard case .success(let fd) = Syscall.open(next.path, flags: O_RDONLY) else {
                    noteGap()
                    return openNext()
                }
                guard case .success(let status) = Syscall.fileStatus(fd), status.device == next.status.device, status.inode == next.status.inode,
                    case .success = Syscall.seek(fd, to: next.offset)
                else {
                    // Rotated again (or replaced) since the plan: its lines are elsewhere now.
                    Syscall.close(fd)
                    noteGap()
                    return openNext()
                }
                install(LineReader(descriptor: fd, file: status, offset: next.offset, maximumLineLength: configuration.maximumLineLength), live: false)
                return true
            }
            guard case .success(let fd) = Syscall.open(configuration.path, flags: O_RDONLY) else { return false }
            guard case .success(let status) = Syscall.fileStatus(fd) else {
                Syscall.close(fd)
                return false
            }
            var offset: Int64 = 0
            if liveOffset > 0 {
                if let resumeFile, status.device == resumeFile.device, status.inode == resumeFile.inode, status.size >= liveOffset,
                    case .success = Syscall.seek(fd, to: liveOffset)
                {
                    offset = liveOffset
                } else {
                    noteGap()
                }
                liveOffset = 0
            }
            install(LineReader(descriptor: fd, file: status, offset: offset, maximumLineLength: configuration.maximumLineLength), live: true)
            return true
        }

        private mutating func install(_ newReader: LineReader, live: Bool) {
            reader = newReader
            reader!.followsPossibleGap = nextFollowsGap
            nextFollowsGap = false
            readingLive = live
            rotationNoticed = nil
            lastGrowth = clock.now
        }

        private mutating func noteGap() {
            handoff.count { $0.possibleGaps += 1 }
            nextFollowsGap = true
        }

        /// Delivers the partial last line of a file read to its end, closes it, and queues the
        /// files rotated after it, so that a follower several rotations behind (a slow
        /// consumer, rotations within the grace period) reads every file in order instead of
        /// jumping to the newest.
        /// - Returns: false when the source is stopping.
        private mutating func finishReader() -> Bool {
            let delivered = reader!.flush(handoff: handoff)
            let finished = reader!.deliveredPosition()
            Syscall.close(reader!.descriptor)
            reader = nil
            queue = finished.map(filesRotated(after:)) ?? []
            return delivered
        }

        /// The files that rotation named after the `finished` one, oldest first, found as
        /// ``ResumePlan`` finds them after a restart. Empty when the finished file is no longer
        /// in the directory (deleted rather than renamed): the path is read next.
        private func filesRotated(after finished: LogPosition) -> [RotatedFile] {
            let plan = LogFileAuditSource.plan(
                checkpoint: finished,
                live: LogFileAuditSource.candidate(path: configuration.path, checkpoint: finished),
                rotated: LogFileAuditSource.rotatedSiblings(of: configuration.path, checkpoint: finished)
            )
            return plan.possibleGap ? [] : Array(plan.rotated.dropFirst())
        }

        /// One inotify(7) watch on the directory of the path. `nil` when inotify is unavailable
        /// (or the directory does not exist yet): the poll interval alone then paces the checks.
        private func watchDirectory() -> Int32? {
            guard case .success(let fd) = Syscall.inotifyInit() else { return nil }
            let mask = UInt32(IN_MODIFY | IN_CREATE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE | IN_CLOSE_WRITE | IN_ATTRIB)
            guard case .success = Syscall.inotifyAddWatch(fd, path: LogFileAuditSource.split(configuration.path).directory, mask: mask) else {
                Syscall.close(fd)
                return nil
            }
            return fd
        }

        /// Waits for an inotify event, ``LineHandoff/stop()`` or `timeout`. Without a watch yet
        /// (the directory did not exist), tries again to set one up first.
        /// - Returns: false when stopping or when poll(2) failed (recorded as the failure).
        private mutating func waitForChange(timeout: Duration) -> Bool {
            if inotify == nil { inotify = watchDirectory() }
            do throws(Errno) {
                let running = try handoff.wait(for: inotify.map { [$0] } ?? [], timeout: timeout)
                if let inotify { Syscall.drain(inotify) }
                return running
            } catch {
                handoff.fail(LogSourceError(.readFailed, operation: "poll", path: configuration.path, cause: error))
                return false
            }
        }
    }
}
