import Glibc

/// One open input being read into batches: the descriptor, the identity of the file behind it
/// (for positions), how far it has been read, and its ``LineSplitter``. The read loop of
/// every line source; the log file source adds rotation around it.
struct LineReader {
    enum Outcome: Equatable {
        /// read(2) returned 0: end of input for a pipe, end of file for now for a file.
        case endOfInput
        case stopped
        case failed(Errno)
    }

    let descriptor: Int32
    /// The file's identity; `nil` for a pipe or terminal, whose batches carry no position.
    let file: FileStatus?
    /// Bytes read from the descriptor (for a file, the offset read up to).
    private(set) var offset: Int64
    var splitter: LineSplitter
    /// Set on the first batch after a resume that may have missed lines.
    var followsPossibleGap = false

    init(descriptor: Int32, file: FileStatus?, offset: Int64 = 0, maximumLineLength: Int) {
        self.descriptor = descriptor
        self.file = file
        self.offset = offset
        self.splitter = LineSplitter(maximumLineLength: maximumLineLength)
    }

    /// The fingerprint last computed, and how many bytes it covers.
    private var fingerprint: (length: Int, value: UInt64) = (0, FileFingerprint.empty)

    /// The position after every delivered line: before the line in progress, so a restart
    /// reads it again. Its fingerprint is re-read only while the file is shorter than
    /// ``FileFingerprint/coveredBytes`` at the position, so at most a few times per file.
    mutating func deliveredPosition() -> LogPosition? {
        guard let file else { return nil }
        let delivered = offset - Int64(splitter.pendingByteCount)
        let length = FileFingerprint.length(at: delivered)
        if length != fingerprint.length, let value = FileFingerprint.read(descriptor, length: length) {
            fingerprint = (length, value)
        }
        return file.position(at: delivered, fingerprint: fingerprint.value)
    }

    /// Reads and delivers until read(2) returns 0, the source stops or a read fails. A pipe
    /// is polled before each read, so ``LineHandoff/stop()`` wakes a reader waiting for input.
    mutating func readAvailable(into buffer: UnsafeMutableRawBufferPointer, handoff: LineHandoff) -> Outcome {
        while !handoff.isStopping {
            if file == nil {
                do throws(Errno) {
                    guard try handoff.wait(for: [descriptor], timeout: .seconds(3600)) else { return .stopped }
                } catch {
                    return .failed(error)
                }
            }
            switch Syscall.read(descriptor, into: buffer) {
            case .success(0):
                return .endOfInput
            case .success(let count):
                offset += Int64(count)
                var batch = splitter.split(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
                guard deliver(&batch, handoff: handoff) else { return .stopped }
            case .failure(let errno) where errno.rawValue == EAGAIN:
                continue
            case .failure(let errno):
                return .failed(errno)
            }
        }
        return .stopped
    }

    /// Delivers the line in progress, if any, flagged unterminated.
    /// - Returns: false when the source is stopping.
    mutating func flush(handoff: LineHandoff) -> Bool {
        var batch = splitter.flush()
        return deliver(&batch, handoff: handoff)
    }

    private mutating func deliver(_ batch: inout LogLineBatch, handoff: LineHandoff) -> Bool {
        guard !batch.lines.isEmpty else { return !handoff.isStopping }
        batch.position = deliveredPosition()
        batch.followsPossibleGap = followsPossibleGap
        followsPossibleGap = false
        return handoff.deliver(batch)
    }
}
