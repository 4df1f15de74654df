/// The text form of a saved ``LogPosition``: one line,
/// `herdwatch-log-checkpoint v1 device=2049 inode=1311 offset=4096`, ASCII decimal.
///
/// A line of text (rather than raw integers) so an operator can read and delete it, and a
/// version word so a later format can be told apart. Pure: ``CheckpointStore`` does the I/O.
public enum LogCheckpoint {
    static let magic = "herdwatch-log-checkpoint"
    static let version = "v1"

    /// Encodes `position` as one line ending in a line feed.
    public static func encode(_ position: LogPosition) -> [UInt8] {
        Array("\(magic) \(version) device=\(position.device) inode=\(position.inode) offset=\(position.offset)\n".utf8)
    }

    /// Decodes what ``encode(_:)`` wrote; a trailing line feed is optional.
    /// - Throws: ``LogSourceError`` `.checkpointMalformed` for anything else (another version,
    ///   missing or repeated fields, a negative offset, trailing bytes).
    public static func decode(_ bytes: some Collection<UInt8>) throws(LogSourceError) -> LogPosition {
        let malformed = LogSourceError(.checkpointMalformed, operation: "decode")
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        let words = text.split(separator: " ", omittingEmptySubsequences: false)
        guard words.count == 5, words[0] == magic, words[1] == version else { throw malformed }
        func value<T: FixedWidthInteger>(_ word: Substring, _ key: String, as: T.Type) throws(LogSourceError) -> T {
            guard word.hasPrefix(key + "="), let number = T(word.dropFirst(key.count + 1), radix: 10) else { throw malformed }
            return number
        }
        let position = LogPosition(
            device: try value(words[2], "device", as: UInt64.self),
            inode: try value(words[3], "inode", as: UInt64.self),
            offset: try value(words[4], "offset", as: Int64.self)
        )
        guard position.offset >= 0 else { throw malformed }
        return position
    }
}
