/// Splits a SQL script into its statements at top-level semicolons, so a migration can run
/// them one by one and an error can name the statement and line that failed.
///
/// Understands what can hide a semicolon: single-quoted strings (with `''` and E'\'' escapes),
/// double-quoted identifiers, dollar-quoted bodies (`$$ … $$`, `$fn$ … $fn$`), `--` line
/// comments and nested `/* */` block comments.
public enum SQLScript {
    public struct Statement: Sendable, Equatable {
        /// The statement text without the terminating semicolon, trimmed.
        public let text: String
        /// 1-based line of the statement's first character in the script.
        public let line: Int
    }

    public static func statements(in script: String) -> [Statement] {
        let bytes = Array(script.utf8)
        var statements: [Statement] = []
        var start = 0
        var index = 0

        func emit(upTo end: Int) {
            let slice = bytes[start..<end]
            let text = String(decoding: slice, as: UTF8.self)
            let trimmed = text.trimmingSQLWhitespaceAndComments()
            if !trimmed.isEmpty {
                // The line of the first character that is not blank or a comment.
                let firstLine = lineNumber(atOffset: start + text.firstSQLContentOffset())
                statements.append(Statement(text: trimmed, line: firstLine))
            }
        }

        func lineNumber(atOffset offset: Int) -> Int {
            1 + bytes[..<offset].reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        }

        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                index = skipQuoted(bytes, from: index, quote: byte)
            case UInt8(ascii: "-") where next(bytes, index) == UInt8(ascii: "-"):
                while index < bytes.count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "/") where next(bytes, index) == UInt8(ascii: "*"):
                index = skipBlockComment(bytes, from: index)
            case UInt8(ascii: "$"):
                index = skipDollarQuoted(bytes, from: index)
            case UInt8(ascii: ";"):
                emit(upTo: index)
                index += 1
                start = index
            default:
                index += 1
            }
        }
        emit(upTo: bytes.count)
        return statements
    }

    private static func next(_ bytes: [UInt8], _ index: Int) -> UInt8? {
        index + 1 < bytes.count ? bytes[index + 1] : nil
    }

    /// Returns the index after the closing quote; a doubled quote is an escaped quote, and in
    /// E'' strings a backslash escapes the next byte.
    private static func skipQuoted(_ bytes: [UInt8], from start: Int, quote: UInt8) -> Int {
        let escapes = quote == UInt8(ascii: "'") && start > 0 && (bytes[start - 1] | 0x20) == UInt8(ascii: "e")
        var index = start + 1
        while index < bytes.count {
            if escapes && bytes[index] == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            if bytes[index] == quote {
                if next(bytes, index) == quote {
                    index += 2
                    continue
                }
                return index + 1
            }
            index += 1
        }
        return index
    }

    private static func skipBlockComment(_ bytes: [UInt8], from start: Int) -> Int {
        var depth = 0
        var index = start
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "/") && next(bytes, index) == UInt8(ascii: "*") {
                depth += 1
                index += 2
            } else if bytes[index] == UInt8(ascii: "*") && next(bytes, index) == UInt8(ascii: "/") {
                depth -= 1
                index += 2
                if depth == 0 { return index }
            } else {
                index += 1
            }
        }
        return index
    }

    /// A `$tag$` opens a dollar-quoted string closed by the same tag; a `$` that does not start
    /// a valid tag (e.g. the parameter `$1`) is ordinary text.
    private static func skipDollarQuoted(_ bytes: [UInt8], from start: Int) -> Int {
        var end = start + 1
        while end < bytes.count, isTagByte(bytes[end], first: end == start + 1) { end += 1 }
        guard end < bytes.count, bytes[end] == UInt8(ascii: "$") else { return start + 1 }
        let tag = Array(bytes[start...end])
        var index = end + 1
        while index + tag.count <= bytes.count {
            if bytes[index] == UInt8(ascii: "$") && Array(bytes[index..<(index + tag.count)]) == tag {
                return index + tag.count
            }
            index += 1
        }
        return bytes.count
    }

    private static func isTagByte(_ byte: UInt8, first: Bool) -> Bool {
        let letter = (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") || byte == UInt8(ascii: "_") || byte >= 0x80
        return first ? letter : letter || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}

extension String {
    /// Offset in UTF-8 bytes of the first character that is neither whitespace nor inside a
    /// leading comment.
    func firstSQLContentOffset() -> Int {
        let bytes = Array(utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\n") || bytes[index] == UInt8(ascii: "\t")
                || bytes[index] == UInt8(ascii: "\r")
            {
                index += 1
            } else if bytes[index] == UInt8(ascii: "-") && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "-") {
                while index < bytes.count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
            } else {
                return index
            }
        }
        return index
    }

    /// The text from its first statement character, with trailing whitespace removed; empty
    /// when the text is only whitespace and comments.
    func trimmingSQLWhitespaceAndComments() -> String {
        let offset = firstSQLContentOffset()
        let body = String(decoding: Array(utf8)[offset...], as: UTF8.self)
        var end = body.endIndex
        while end > body.startIndex, body[body.index(before: end)].isWhitespace { end = body.index(before: end) }
        return String(body[..<end])
    }
}
