/// The lineage table as a file, so an agent restart does not forget the executables of
/// processes that started before it (their children would lose their parent_exe).
///
/// Pids mean something only within one boot, so the file names the boot it was written in
/// (`/proc/sys/kernel/random/boot_id`, random(4)) and is refused under any other. Format, bytes:
/// ```
/// herdwatch-lineage 1 <boot id> <entries>\n
/// <pid> <exe byte length> <exe bytes>\n        (one per entry, least recently used first)
/// ```
/// Numbers are decimal ASCII. The exe is in ``AuditText``'s form, with its length given first,
/// so a path holding spaces or newlines (an attacker's choice) cannot break the framing.
/// Decoding is strict: a malformed or truncated file is refused as a whole.
extension ProcessLineage {
    static let fileMagic = "herdwatch-lineage"
    static let fileVersion = "1"
    /// Longest exe accepted from a file: PATH_MAX (4096) bytes, each at worst `%XX`.
    static let maximumExeBytes = 3 * 4096

    /// The table as a cache file for `bootID`.
    public func cacheFile(bootID: String) -> [UInt8] {
        let entries = executables.entries
        var out = Array("\(Self.fileMagic) \(Self.fileVersion) \(bootID) \(entries.count)\n".utf8)
        out.reserveCapacity(out.count + entries.count * 48)
        for (pid, exe) in entries {
            out += "\(pid) \(exe.utf8.count) ".utf8
            out += exe.utf8
            out.append(0x0A)
        }
        return out
    }

    /// A table read back from ``cacheFile(bootID:)`` output.
    /// - Parameters:
    ///   - bytes: the file's contents.
    ///   - bootID: the running boot; a file of another boot is refused.
    ///   - capacity: the new table's bound; a file with more entries than that is refused.
    /// - Throws: ``LineageCacheError`` `.otherBoot` or `.malformed`.
    public init(cacheFile bytes: [UInt8], bootID: String, capacity: Int = 32_768) throws(LineageCacheError) {
        var reader = Reader(bytes: bytes)
        guard reader.word() == Array(Self.fileMagic.utf8), reader.word() == Array(Self.fileVersion.utf8) else {
            throw LineageCacheError(.malformed, offset: 0)
        }
        guard let boot = reader.word(), !boot.isEmpty else { throw LineageCacheError(.malformed, offset: reader.offset) }
        guard boot == Array(bootID.utf8) else { throw LineageCacheError(.otherBoot, offset: 0) }
        guard let count = reader.number(end: 0x0A), count <= capacity else { throw LineageCacheError(.malformed, offset: reader.offset) }
        self.init(capacity: capacity)
        for _ in 0..<count {
            guard let pid = reader.number(end: 0x20), pid > 0, pid <= Int(Int32.max),
                let length = reader.number(end: 0x20), length > 0, length <= Self.maximumExeBytes,
                let bytes = reader.take(length), !bytes.contains(0), reader.take(1) == [0x0A],
                let exe = String(validating: bytes, as: UTF8.self)  // it was written as AuditText: valid UTF-8, no NUL
            else { throw LineageCacheError(.malformed, offset: reader.offset) }
            executables[Int32(pid)] = exe
        }
        guard reader.atEnd else { throw LineageCacheError(.malformed, offset: reader.offset) }
    }

    /// Steps over the file's bytes; every read is bounded by the buffer.
    struct Reader {
        let bytes: [UInt8]
        var offset = 0

        var atEnd: Bool { offset == bytes.count }

        /// Bytes up to the next space (consumed), nil at the end.
        mutating func word() -> [UInt8]? {
            guard let end = bytes[offset...].firstIndex(of: 0x20), end - offset <= 64 else { return nil }
            defer { offset = end + 1 }
            return Array(bytes[offset..<end])
        }

        /// A decimal number of at most 10 digits ended by `end` (consumed).
        mutating func number(end: UInt8) -> Int? {
            var value = 0
            var digits = 0
            while offset < bytes.count, bytes[offset] >= 0x30, bytes[offset] <= 0x39, digits < 10 {
                value = value * 10 + Int(bytes[offset] - 0x30)
                offset += 1
                digits += 1
            }
            guard digits > 0, offset < bytes.count, bytes[offset] == end else { return nil }
            offset += 1
            return value
        }

        mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
            guard count <= bytes.count - offset else { return nil }
            defer { offset += count }
            return bytes[offset..<offset + count]
        }
    }
}

/// Why a lineage cache file was refused. The agent logs it and starts with an empty table.
public struct LineageCacheError: Error, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable { case malformed, otherBoot }
        private let value: Value
        /// Not a lineage file, or damaged or truncated.
        public static let malformed = Code(value: .malformed)
        /// Written during another boot: its pids name other processes now.
        public static let otherBoot = Code(value: .otherBoot)
        public var description: String { value == .malformed ? "malformed" : "written in another boot" }
    }

    public var code: Code
    /// Where decoding stopped.
    public var offset: Int

    public init(_ code: Code, offset: Int) {
        self.code = code
        self.offset = offset
    }

    public var description: String { "lineage cache \(code) (at byte \(offset))" }
}
