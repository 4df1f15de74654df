/// Where a replayed batch ends in the spool: pass it to ``DiskSpool/release(through:)`` once
/// the batch is stored.
public struct SpoolLocation: Hashable, Sendable {
    public var segment: UInt64
    /// The byte offset just past the batch's record.
    public var end: Int
}

/// A batch read back from the spool, with where it ends.
public struct SpooledBatch: Hashable, Sendable {
    public var batch: ShipBatch
    public var location: SpoolLocation
}

/// What replay found next.
public enum SpoolRead: Hashable, Sendable {
    case batch(SpooledBatch)
    /// A corrupt record (code `.corruptRecord`, with segment name and offset): the rest of
    /// that segment is skipped and counted, and the next read goes on with the next segment.
    case corrupted(SpoolError)
}

extension DiskSpool {
    /// Whether replay has records it has not read yet.
    public var hasUnread: Bool {
        segments.contains { $0.number > readSegment || ($0.number == readSegment && readOffset < $0.end) }
    }

    /// Reads the oldest record replay has not read, one at a time (memory holds one batch).
    /// - Returns: the batch, a corruption report, or `nil` when replay has caught up with the
    ///   appends.
    /// - Throws: ``SpoolError`` `.io` when a segment cannot be read.
    public func readNext() throws(SpoolError) -> SpoolRead? {
        while let index = segments.firstIndex(where: { $0.number >= readSegment }) {
            let segment = segments[index]
            if segment.number != readSegment {
                readSegment = segment.number
                readOffset = 0
            }
            guard readOffset < segment.end else {
                if !segment.sealed { return nil }
                readSegment += 1
                readOffset = 0
                continue
            }
            let name = Self.segmentName(segment.number)
            if readFile?.number != segment.number {
                readFile?.file.close()
                let file = try io("open", name) { () throws(Errno) in try SpoolFile.open(path(name), create: false) }
                readFile = (segment.number, file)
            }
            let file = readFile!.file
            let limit = configuration.maxTotalBytes
            let offset = readOffset
            let result = try io("pread", name) { () throws(Errno) in
                try Self.readRecord(in: file, at: offset, end: segment.end, limit: limit)
            }
            switch result {
            case .record(let batch, let next):
                readOffset = next
                return .batch(SpooledBatch(batch: batch, location: SpoolLocation(segment: segment.number, end: next)))
            case .defect:
                if !segment.sealed { try seal() }
                segments[index].readableEnd = offset
                counters.corruptSegments += 1
                counters.corruptBytes += UInt64(segment.size - offset)
                try saveCounters()
                readSegment += 1
                readOffset = 0
                if offset == 0 { try removeSegment(at: index) }
                return .corrupted(SpoolError(.corruptRecord, operation: "read", segment: name, offset: offset))
            }
        }
        return nil
    }

    /// Acknowledges every replayed record up to `location`: segments whose every record is
    /// acknowledged are deleted. Acknowledge in replay order.
    /// - Throws: ``SpoolError`` `.io` when a segment cannot be deleted.
    public func release(through location: SpoolLocation) throws(SpoolError) {
        while let first = segments.first, first.number < location.segment {
            try removeSegment(at: 0)
        }
        guard let first = segments.first, first.number == location.segment, location.end >= first.end else { return }
        if first.sealed || (readSegment == first.number && readOffset >= first.size) {
            try removeSegment(at: 0)
        }
    }

    /// Cuts the newest segment at its first record that does not check: what a crash in the
    /// middle of a write leaves. Counted as a torn tail, not as corruption.
    func cutTornTail() throws(SpoolError) {
        guard let last = segments.last else { return }
        let name = Self.segmentName(last.number)
        let limit = configuration.maxTotalBytes
        let syncPolicy = configuration.syncPolicy
        let cut: Int? = try io("open", name) { () throws(Errno) in
            let file = try SpoolFile.open(path(name), create: false)
            defer { file.close() }
            var offset = 0
            while offset < last.size {
                guard case .record(_, let next) = try Self.readRecord(in: file, at: offset, end: last.size, limit: limit) else {
                    try file.truncate(to: offset)
                    if syncPolicy != .never { try file.sync() }
                    return offset
                }
                offset = next
            }
            return nil
        }
        guard let cut else { return }
        counters.tornTails += 1
        counters.tornBytes += UInt64(last.size - cut)
        segments[segments.count - 1].size = cut
        try saveCounters()
    }

    enum RecordRead {
        case record(ShipBatch, next: Int)
        /// Bytes at the offset that are not a whole, checked record.
        case defect(SpoolRecord.Defect?)
    }

    /// Reads and checks the record at `offset`, which must end by `end`.
    static func readRecord(in file: SpoolFile, at offset: Int, end: Int, limit: Int) throws(Errno) -> RecordRead {
        guard end - offset >= SpoolRecord.headerSize else { return .defect(nil) }
        let headerBytes = try file.read(count: SpoolRecord.headerSize, at: offset)
        guard headerBytes.count == SpoolRecord.headerSize else { return .defect(nil) }
        let header: SpoolRecord.Header
        switch SpoolRecord.decodeHeader(headerBytes[...]) {
        case .success(let decoded): header = decoded
        case .failure(let error): return .defect(error.defect)
        }
        guard header.recordSize <= limit, offset + header.recordSize <= end else { return .defect(nil) }
        let body = try file.read(count: header.bodyLength, at: offset + SpoolRecord.headerSize)
        guard body.count == header.bodyLength else { return .defect(nil) }
        switch SpoolRecord.decodeBody(body, header: header) {
        case .success(let batch): return .record(batch, next: offset + header.recordSize)
        case .failure(let error): return .defect(error.defect)
        }
    }

    /// Counts the records (and their events) from `offset` to `end` by their checked headers,
    /// without reading bodies; stops at the first header that does not check.
    static func countRecords(in file: SpoolFile, from offset: Int, to end: Int, limit: Int) throws(Errno) -> (UInt64, UInt64) {
        var offset = offset
        var batches: UInt64 = 0
        var events: UInt64 = 0
        while end - offset >= SpoolRecord.headerSize {
            let bytes = try file.read(count: SpoolRecord.headerSize, at: offset)
            guard bytes.count == SpoolRecord.headerSize, case .success(let header) = SpoolRecord.decodeHeader(bytes[...]),
                header.recordSize <= limit, offset + header.recordSize <= end
            else { break }
            batches += 1
            events += UInt64(header.eventCount)
            offset += header.recordSize
        }
        return (batches, events)
    }
}
