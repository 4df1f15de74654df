import Glibc

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

/// FNV-1a (64 bit) of a file's first bytes, at most ``coveredBytes`` of them: cheap, and
/// audit log files start with a record holding a timestamp and serial, so two files almost
/// never share their first line. Not a defence against forgery, only against inode reuse.
public enum FileFingerprint {
    /// Bytes hashed at most.
    public static let coveredBytes = 256
    /// The fingerprint of no bytes (the FNV-1a offset basis).
    public static let empty: UInt64 = 0xcbf2_9ce4_8422_2325

    /// FNV-1a 64 of `bytes`.
    public static func of(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash = empty
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// How many bytes the fingerprint of a position at `offset` covers.
    static func length(at offset: Int64) -> Int { Int(min(offset, Int64(coveredBytes))) }

    /// The fingerprint of the first `length` bytes of the open file `fd` (pread(2), which
    /// leaves the read offset alone), or `nil` when it holds fewer bytes or cannot be read.
    static func read(_ fd: Int32, length: Int) -> UInt64? {
        if length == 0 { return empty }
        var bytes = [UInt8](repeating: 0, count: length)
        let count = bytes.withUnsafeMutableBytes { Syscall.read(fd, into: $0, at: 0) }
        guard case .success(length) = count else { return nil }
        return of(bytes)
    }

    /// ``read(_:length:)`` for the file at `path`.
    static func read(path: String, length: Int) -> UInt64? {
        guard case .success(let fd) = Syscall.open(path, flags: O_RDONLY) else { return nil }
        defer { Syscall.close(fd) }
        return read(fd, length: length)
    }
}

/// One record line inside a ``LogLineBatch``: a range of the batch's bytes, without the
/// line feed (and without a carriage return before it), plus what happened to it.
public struct LogLine: Sendable, Hashable {
    /// What happened to a line on its way; both are counted by the source.
    public struct Flags: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// The line was longer than the source's maximum line length: these are its first
        /// bytes, and the rest up to the next line feed was skipped.
        public static let cut = Flags(rawValue: 1 << 0)
        /// No line feed ended the line: the file ended, was rotated or truncated, or the
        /// partial-line timeout expired. The bytes that follow start a new line.
        public static let unterminated = Flags(rawValue: 1 << 1)
    }

    /// Index of the first byte in ``LogLineBatch/bytes``.
    public var start: Int
    /// Index just after the last byte in ``LogLineBatch/bytes``.
    public var end: Int
    public var flags: Flags

    public init(start: Int, end: Int, flags: Flags = []) {
        self.start = start
        self.end = end
        self.flags = flags
    }

    public var range: Range<Int> { start..<end }
}

/// Record lines as one contiguous buffer plus line ranges, so a source makes one copy per
/// chunk read rather than one allocation per line (the parser reads ~200 MB/s). Bytes are
/// passed through as they are: NUL bytes and invalid UTF-8 included.
///
/// ```swift
/// for await batch in source.batches {
///     for index in batch.lines.indices { parse(batch[line: index]) }
///     if let position = batch.position { /* checkpoint it once the batch is shipped */ }
/// }
/// ```
public struct LogLineBatch: Sendable {
    /// The lines' bytes; may hold bytes between or after lines that belong to no line.
    public var bytes: [UInt8]
    public var lines: [LogLine]
    /// The position just after this batch in the file it came from; `nil` for a pipe.
    /// A caller that saves it once the batch is safe resumes with ``LogFileAuditSource``.
    public var position: LogPosition?
    /// True on the first batch after the source could not resume where it was asked to
    /// (the checkpointed file is gone): lines may be missing before this batch.
    public var followsPossibleGap: Bool

    public init(bytes: [UInt8] = [], lines: [LogLine] = [], position: LogPosition? = nil, followsPossibleGap: Bool = false) {
        self.bytes = bytes
        self.lines = lines
        self.position = position
        self.followsPossibleGap = followsPossibleGap
    }

    /// The bytes of line `index`.
    public subscript(line index: Int) -> ArraySlice<UInt8> {
        bytes[lines[index].range]
    }

    /// Calls `body` with the bytes of line `index`, without copying.
    public func withLineBytes<Result>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        let range = lines[index].range
        return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }
}
