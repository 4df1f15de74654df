/// The text form of a saved ``LogPosition``: one line,
/// `herdwatch-log-checkpoint v1 device=2049 inode=1311 offset=4096 fingerprint=9e3b…`, ASCII
/// decimal, the fingerprint in 16 lowercase hexadecimal digits.
///
/// A line of text (rather than raw integers) so an operator can read and delete it, and a
/// version word so a later format can be told apart. Pure: ``CheckpointStore`` does the I/O.
public enum LogCheckpoint {
    static let magic = "herdwatch-log-checkpoint"
    static let version = "v1"

    /// Encodes `position` as one line ending in a line feed.
    public static func encode(_ position: LogPosition) -> [UInt8] {
        Array("\(magic) \(version) device=\(position.device) inode=\(position.inode) offset=\(position.offset) fingerprint=\(hex(position.fingerprint))\n".utf8)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// Decodes what ``encode(_:)`` wrote; a trailing line feed is optional.
    /// - Throws: ``LogSourceError`` `.checkpointMalformed` for anything else (another version,
    ///   missing or repeated fields, a negative offset, trailing bytes).
    public static func decode(_ bytes: some Collection<UInt8>) throws(LogSourceError) -> LogPosition {
        let malformed = LogSourceError(.checkpointMalformed, operation: "decode")
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        let words = text.split(separator: " ", omittingEmptySubsequences: false)
        guard words.count == 6, words[0] == magic, words[1] == version else { throw malformed }
        func value<T: FixedWidthInteger>(_ word: Substring, _ key: String, as: T.Type, radix: Int = 10) throws(LogSourceError) -> T {
            let digits = word.dropFirst(key.count + 1)
            guard word.hasPrefix(key + "="), digits.allSatisfy(\.isHexDigit), let number = T(digits, radix: radix) else { throw malformed }
            return number
        }
        let position = LogPosition(
            device: try value(words[2], "device", as: UInt64.self),
            inode: try value(words[3], "inode", as: UInt64.self),
            offset: try value(words[4], "offset", as: Int64.self),
            fingerprint: try value(words[5], "fingerprint", as: UInt64.self, radix: 16)
        )
        guard position.offset >= 0 else { throw malformed }
        return position
    }
}
