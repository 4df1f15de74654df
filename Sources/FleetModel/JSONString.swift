/// JSON string literals for small, occasional documents (ground truth, change lines), where
/// clarity beats the speed of `AuditEventJSON`'s byte writer.
public enum JSONString {
    /// `text` as a JSON string literal (RFC 8259 §7): `"` and `\` escaped, control characters
    /// as `\n`, `\t`, `\r` or `\uXXXX`.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
