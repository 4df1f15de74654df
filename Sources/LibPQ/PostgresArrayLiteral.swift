/// PostgreSQL's text form of one-dimensional arrays (documentation §8.15.6 "Array Input and
/// Output Syntax"): `{a,"b c",NULL,"x\"y"}`.
public enum PostgresArrayLiteral {
    /// Encodes every element quoted, so spaces, commas, braces, quotes, backslashes and the word
    /// `NULL` all survive; `nil` elements become unquoted `NULL`.
    public static func encode(_ elements: [String?]) -> String {
        var text = "{"
        for (index, element) in elements.enumerated() {
            if index > 0 { text.append(",") }
            guard let element else {
                text.append("NULL")
                continue
            }
            text.append("\"")
            for scalar in element.unicodeScalars {
                if scalar == "\"" || scalar == "\\" { text.append("\\") }
                text.unicodeScalars.append(scalar)
            }
            text.append("\"")
        }
        text.append("}")
        return text
    }

    /// Decodes a one-dimensional array as the server prints it. Returns nil for malformed text
    /// or multi-dimensional arrays.
    public static func decode(_ text: String) -> [String?]? {
        var bytes = Array(text.utf8)[...]
        // Arrays with non-default bounds print a `[1:3]=` prefix.
        if bytes.first == UInt8(ascii: "["), let equals = bytes.firstIndex(of: UInt8(ascii: "=")) {
            bytes = bytes[(equals + 1)...]
        }
        guard bytes.first == UInt8(ascii: "{"), bytes.last == UInt8(ascii: "}") else { return nil }
        bytes = bytes.dropFirst().dropLast()
        if bytes.isEmpty { return [] }

        var elements: [String?] = []
        var current: [UInt8] = []
        var quoted = false
        var wasQuoted = false
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if quoted {
                if byte == UInt8(ascii: "\\") {
                    index += 1
                    guard index < bytes.endIndex else { return nil }
                    current.append(bytes[index])
                } else if byte == UInt8(ascii: "\"") {
                    quoted = false
                } else {
                    current.append(byte)
                }
            } else if byte == UInt8(ascii: "\"") {
                quoted = true
                wasQuoted = true
            } else if byte == UInt8(ascii: ",") {
                elements.append(element(current, wasQuoted: wasQuoted))
                current = []
                wasQuoted = false
            } else if byte == UInt8(ascii: "{") {
                return nil
            } else if byte == UInt8(ascii: "\\") {
                index += 1
                guard index < bytes.endIndex else { return nil }
                current.append(bytes[index])
            } else {
                current.append(byte)
            }
            index += 1
        }
        guard !quoted else { return nil }
        elements.append(element(current, wasQuoted: wasQuoted))
        return elements
    }

    private static func element(_ bytes: [UInt8], wasQuoted: Bool) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        if !wasQuoted && text.uppercased() == "NULL" { return nil }
        return text
    }
}
