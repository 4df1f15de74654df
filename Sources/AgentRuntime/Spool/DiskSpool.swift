import Glibc

/// The agent's bounded on-disk queue of batches, for when the database is down, slow or refusing.
///
/// A directory of segment files named by a 12-digit increasing number (`000000000042.seg`),
/// each a concatenation of records framed as ``SpoolRecord`` documents (magic, version, length,
/// event count, sequence, CRC-32C of the header and of the body, all little-endian). Batches
/// are appended to the newest segment, which is sealed and a new one started when the next
/// record would pass `maxSegmentBytes`. When the whole spool would pass `maxTotalBytes`, the
/// oldest segments are deleted and what they held (batches, events, bytes) is added to the
/// persisted ``SpoolCounters``: loss is counted, growth is bounded, and `append` never waits.
///
/// Replay (``readNext()``) streams one record at a time, oldest first, and a segment is
/// deleted only when ``release(through:)`` acknowledged its last record. Acknowledgements
/// must come in replay order (the shipper ships replayed batches one at a time).
///
/// After a crash (SIGKILL, power loss) the newest segment may end in a torn record: at open it
/// is cut at the first record that does not check, and appends go to a new segment. A record
/// that does not check in any other segment is corruption: ``readNext()`` returns it as an
/// error value naming the segment and offset, counts it, and goes on with the next segment.
///
/// Not thread-safe: one owner (the shipper's run loop) calls it. Its system calls block briefly
/// (one pwrite per batch, an fdatasync per ``SyncPolicy``).
///
/// ```swift
/// let spool = try DiskSpool(DiskSpool.Configuration(directory: "/var/spool/herdwatch"))
/// try spool.append([batch])
/// while case .batch(let spooled)? = try spool.readNext() {
///     try await sink.ship(spooled.batch)
///     try spool.release(through: spooled.location)
/// }
/// ```
public final class DiskSpool {
    public struct Configuration: Sendable {
        public var directory: String
        /// A segment is sealed when the next record would pass this size.
        public var maxSegmentBytes: Int
        /// The spool's bound on disk; the oldest segments are dropped to stay under it.
        public var maxTotalBytes: Int
        public var syncPolicy: SyncPolicy

        public init(
            directory: String,
            maxSegmentBytes: Int = 8 << 20,
            maxTotalBytes: Int = 1 << 30,
            syncPolicy: SyncPolicy = .batch
        ) {
            self.directory = directory
            self.maxSegmentBytes = maxSegmentBytes
            self.maxTotalBytes = maxTotalBytes
            self.syncPolicy = syncPolicy
        }
    }

    /// When appended records are forced to the disk with fdatasync(2).
    ///
    /// The shipper advances the source checkpoint once a batch is spooled, so the policy decides
    /// what a power loss (not a process crash: the page cache survives SIGKILL) can lose.
    public enum SyncPolicy: String, Sendable, CaseIterable {
        /// After every record: nothing checkpointed is lost on power loss; one disk flush per
        /// batch, the slowest.
        case always
        /// Once per ``DiskSpool/append(_:)`` call (the batches one shipper action spools), at
        /// each seal and at close: the usual trade-off, one flush per group of batches.
        case batch
        /// Left to the kernel's writeback (about 30 s): the fastest; a power loss can lose
        /// the last seconds of spooled batches although their positions were checkpointed.
        case never
    }

    struct Segment {
        var number: UInt64
        var size: Int
        /// Where a corrupt record starts; the segment is read only up to here.
        var readableEnd: Int?
        var sealed: Bool
        var end: Int { readableEnd ?? size }
    }

    let configuration: Configuration
    var segments: [Segment] = []
    var nextNumber: UInt64 = 1
    /// The newest segment's file while it takes appends.
    var activeFile: SpoolFile?
    var readSegment: UInt64 = 0
    var readOffset = 0
    var readFile: (number: UInt64, file: SpoolFile)?
    public internal(set) var counters = SpoolCounters()

    /// Bytes in all segments.
    public var totalBytes: Int { segments.reduce(0) { $0 + $1.size } }
    /// Segment files on disk.
    public var segmentCount: Int { segments.count }

    /// Opens (creating it if needed) the spool directory, cuts a torn tail off the newest
    /// segment, and positions replay at the oldest record.
    /// - Throws: ``SpoolError`` with code `.io` when the directory or a segment cannot be used.
    public init(_ configuration: Configuration) throws(SpoolError) {
        precondition(configuration.maxSegmentBytes > 0 && configuration.maxTotalBytes >= configuration.maxSegmentBytes)
        self.configuration = configuration
        try io("mkdir") { () throws(Errno) in try SpoolDirectory.create(configuration.directory) }
        let names = try io("readdir") { () throws(Errno) in try SpoolDirectory.names(configuration.directory) }
        if let text = try? readSmallFile(path(SpoolCounters.fileName)) { counters = SpoolCounters(text: text) }
        for number in names.compactMap(Self.segmentNumber).sorted() {
            let name = Self.segmentName(number)
            let size = try io("open", name) { () throws(Errno) in
                let file = try SpoolFile.open(path(name), create: false)
                defer { file.close() }
                return try file.size()
            }
            segments.append(Segment(number: number, size: size, sealed: true))
            nextNumber = number + 1
        }
        try cutTornTail()
        segments.removeAll { segment in
            segment.size == 0 && (try? SpoolDirectory.remove(path(Self.segmentName(segment.number)))) != nil
        }
        readSegment = segments.first?.number ?? nextNumber
    }

    deinit {
        activeFile?.close()
        readFile?.file.close()
    }

    /// Appends batches in order, dropping the oldest segments first when the spool is full.
    /// A batch larger than the whole spool is dropped and counted instead.
    /// - Throws: ``SpoolError`` `.io` (disk full, permission); batches before the failing one
    ///   are stored.
    public func append(_ batches: [ShipBatch]) throws(SpoolError) {
        for batch in batches {
            let record = SpoolRecord.encode(batch)
            guard record.count <= configuration.maxTotalBytes else {
                counters.droppedBatches += 1
                counters.droppedEvents += UInt64(batch.eventCount)
                counters.droppedBytes += UInt64(record.count)
                try saveCounters()
                continue
            }
            try makeRoom(for: record.count)
            if let last = segments.last, !last.sealed, last.size > 0,
                last.size + record.count > configuration.maxSegmentBytes
            {
                try seal()
            }
            if activeFile == nil { try startSegment() }
            let index = segments.count - 1
            let name = Self.segmentName(segments[index].number)
            try io("pwrite", name) { () throws(Errno) in try activeFile!.write(record, at: segments[index].size) }
            segments[index].size += record.count
            if configuration.syncPolicy == .always {
                try io("fdatasync", name) { () throws(Errno) in try activeFile!.sync() }
            }
        }
        if configuration.syncPolicy == .batch, let file = activeFile, let last = segments.last {
            try io("fdatasync", Self.segmentName(last.number)) { () throws(Errno) in try file.sync() }
        }
    }

    /// Flushes per the sync policy and closes the files; the spool stays on disk for the next open.
    public func close() {
        if configuration.syncPolicy != .never { try? activeFile?.sync() }
        activeFile?.close()
        activeFile = nil
        readFile?.file.close()
        readFile = nil
    }

    /// Drops oldest segments until `size` more bytes fit under the total limit.
    func makeRoom(for size: Int) throws(SpoolError) {
        while totalBytes + size > configuration.maxTotalBytes, let oldest = segments.first {
            if !oldest.sealed { try seal() }
            try drop(oldest.number)
        }
    }

    /// Deletes the oldest segment because the spool is full, counting what replay had not read.
    func drop(_ number: UInt64) throws(SpoolError) {
        let segment = segments[0]
        let start = number == readSegment ? readOffset : (number > readSegment ? 0 : segment.end)
        let name = Self.segmentName(number)
        let (batches, events) = try io("pread", name) { () throws(Errno) in
            let file = try SpoolFile.open(path(name), create: false)
            defer { file.close() }
            return try Self.countRecords(in: file, from: start, to: segment.end, limit: configuration.maxTotalBytes)
        }
        counters.droppedBatches += batches
        counters.droppedEvents += events
        counters.droppedBytes += UInt64(max(0, segment.end - start))
        try removeSegment(at: 0)
        try saveCounters()
    }

    /// Seals the newest segment: later appends start a new file.
    func seal() throws(SpoolError) {
        guard let file = activeFile else { return }
        let index = segments.count - 1
        if configuration.syncPolicy != .never {
            try io("fdatasync", Self.segmentName(segments[index].number)) { () throws(Errno) in try file.sync() }
        }
        file.close()
        activeFile = nil
        segments[index].sealed = true
    }

    func startSegment() throws(SpoolError) {
        let number = nextNumber
        let name = Self.segmentName(number)
        activeFile = try io("open", name) { () throws(Errno) in try SpoolFile.open(path(name), create: true) }
        try io("ftruncate", name) { () throws(Errno) in try activeFile!.truncate(to: 0) }
        segments.append(Segment(number: number, size: 0, sealed: false))
        nextNumber += 1
        if configuration.syncPolicy != .never {
            try io("fsync", configuration.directory) { () throws(Errno) in try SpoolDirectory.sync(configuration.directory) }
        }
    }

    func removeSegment(at index: Int) throws(SpoolError) {
        let segment = segments.remove(at: index)
        if readFile?.number == segment.number {
            readFile?.file.close()
            readFile = nil
        }
        if !segment.sealed {
            activeFile?.close()
            activeFile = nil
        }
        if segment.number >= readSegment {
            readSegment = segment.number + 1
            readOffset = 0
        }
        let name = Self.segmentName(segment.number)
        try io("unlink", name) { () throws(Errno) in try SpoolDirectory.remove(path(name)) }
    }

    func saveCounters() throws(SpoolError) {
        let temporary = path(SpoolCounters.fileName + ".tmp")
        try io("write", SpoolCounters.fileName) { () throws(Errno) in
            let file = try SpoolFile.open(temporary, create: true)
            defer { file.close() }
            try file.truncate(to: 0)
            try file.write(Array(counters.text.utf8), at: 0)
            if configuration.syncPolicy != .never { try file.sync() }
            try SpoolDirectory.rename(temporary, to: path(SpoolCounters.fileName))
        }
    }

    func readSmallFile(_ path: String) throws(Errno) -> String {
        let file = try SpoolFile.open(path, create: false)
        defer { file.close() }
        return String(decoding: try file.read(count: 4096, at: 0), as: UTF8.self)
    }

    func path(_ name: String) -> String { configuration.directory + "/" + name }

    /// Runs a system call, giving its `Errno` meaning as a ``SpoolError``.
    func io<T>(_ operation: String, _ segment: String? = nil, _ body: () throws(Errno) -> T) throws(SpoolError) -> T {
        do {
            return try body()
        } catch {
            throw SpoolError(.io, operation: operation, segment: segment, cause: error)
        }
    }

    static func segmentName(_ number: UInt64) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, 12 - digits.count)) + digits + ".seg"
    }

    static func segmentNumber(_ name: String) -> UInt64? {
        guard name.hasSuffix(".seg"), name.count == 16 else { return nil }
        return UInt64(name.prefix(12))
    }
}
