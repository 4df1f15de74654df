import Glibc

/// Reads recorded audit logs once, in the order given, then finishes: the input of
/// `herdwatch-agent parse` and `replay`. `-` names standard input. A last line without a line
/// feed is delivered flagged unterminated, at the end of each file (lines never span files).
///
/// Batches from regular files carry their position, so a replay can say where it stopped.
/// Compressed files are not read (gunzip them first).
///
/// ```swift
/// let source = try RecordedFileAuditSource.start(paths: ["audit.log.2", "audit.log.1", "audit.log"])
/// for await batch in source.batches { … }
/// ```
public final class RecordedFileAuditSource: AuditSource {
    private let handoff: LineHandoff

    private init(handoff: LineHandoff) {
        self.handoff = handoff
    }

    /// Opens every file (so a missing one fails here, before anything is read) and starts
    /// reading them in order on a dedicated thread.
    /// - Parameters:
    ///   - paths: the files, oldest first; `-` is standard input.
    ///   - maximumLineLength: longer lines are cut and flagged (``LogLine/Flags/cut``).
    ///   - chunkSize: bytes asked of each read(2).
    ///   - capacity: batches the reader may run ahead of the consumer.
    /// - Throws: ``LogSourceError`` `.openFailed` with the path, `.threadUnavailable`.
    public static func start(
        paths: [String], maximumLineLength: Int = 64 * 1024, chunkSize: Int = 1 << 20, capacity: Int = 8
    ) throws(LogSourceError) -> RecordedFileAuditSource {
        var inputs: [(path: String, descriptor: Int32, file: FileStatus?)] = []
        func closeAll() { for input in inputs where input.path != "-" { Syscall.close(input.descriptor) } }
        for path in paths {
            if path == "-" {
                inputs.append((path, 0, nil))
                continue
            }
            switch Syscall.open(path, flags: O_RDONLY).flatMap({ fd in Syscall.fileStatus(fd).map { (fd, $0) } }) {
            case .success(let (fd, status)): inputs.append((path, fd, status))
            case .failure(let errno):
                closeAll()
                throw LogSourceError(.openFailed, operation: "open", path: path, cause: errno)
            }
        }
        let handoff: LineHandoff
        do { handoff = try LineHandoff(capacity: capacity) } catch { closeAll(); throw error }
        let opened = inputs
        do {
            try handoff.start {
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
                defer { buffer.deallocate() }
                defer { for input in opened where input.path != "-" { Syscall.close(input.descriptor) } }
                for input in opened {
                    var reader = LineReader(descriptor: input.descriptor, file: input.file, maximumLineLength: maximumLineLength)
                    switch reader.readAvailable(into: buffer, handoff: handoff) {
                    case .endOfInput:
                        guard reader.flush(handoff: handoff) else { return }
                    case .stopped:
                        return
                    case .failed(let errno):
                        handoff.fail(LogSourceError(.readFailed, operation: "read", path: input.path, cause: errno))
                        return
                    }
                }
            }
        } catch {
            closeAll()
            throw error
        }
        return RecordedFileAuditSource(handoff: handoff)
    }

    public var batches: LogLineBatches { handoff.batches }
    public var counters: LogSourceCounters { handoff.counters }
    public func stop() { handoff.stop() }

    /// A source nobody holds any more stops its thread (which holds only the handoff).
    deinit { handoff.stop() }
}
