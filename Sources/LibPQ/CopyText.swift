/// PostgreSQL's text COPY format (documentation, COPY, "Text Format"): columns separated by
/// tabs, rows by newlines, `\N` for NULL, and backslash escapes for backslash, tab, newline and
/// carriage return, so any text value survives unchanged.
public enum CopyText {
    /// Appends one row to `buffer`; `nil` fields are NULL.
    public static func appendRow(_ fields: [String?], to buffer: inout [UInt8]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: "\t")) }
            guard let field else {
                buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "N")])
                continue
            }
            appendEscaped(field, to: &buffer)
        }
        buffer.append(UInt8(ascii: "\n"))
    }

    static func appendEscaped(_ field: String, to buffer: inout [UInt8]) {
        for byte in field.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\t"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case UInt8(ascii: "\n"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            default: buffer.append(byte)
            }
        }
    }
}
