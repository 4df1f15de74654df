import CivilTime

/// PostgreSQL's text COPY format (documentation, COPY, "Text Format"): columns separated by
/// tabs, rows by newlines, `\N` for NULL, and backslash escapes for backslash, tab, newline and
/// carriage return, so any text value survives unchanged.
///
/// Besides whole rows of strings (`appendRow`), it offers one writer per column type, so a
/// caller with typed values (the event ingest path) writes numbers and timestamps straight into
/// the buffer without making a `String` for each.
public enum CopyText {
    /// Appends one row to `buffer`; `nil` fields are NULL.
    public static func appendRow(_ fields: [String?], to buffer: inout [UInt8]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: "\t")) }
            guard let field else {
                appendNull(to: &buffer)
                continue
            }
            appendEscaped(field, to: &buffer)
        }
        buffer.append(UInt8(ascii: "\n"))
    }

    /// Appends `\N`, the NULL marker.
    @inlinable
    public static func appendNull(to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\\"))
        buffer.append(UInt8(ascii: "N"))
    }

    /// Appends `field` with COPY's escapes.
    public static func appendEscaped(_ field: String, to buffer: inout [UInt8]) {
        var field = field
        // Native strings are contiguous UTF-8, so this does not copy.
        field.withUTF8 { appendEscaped($0, to: &buffer) }
    }

    /// Appends UTF-8 `bytes` with COPY's escapes.
    ///
    /// Copies runs of ordinary bytes whole and stops only at the four bytes that need an escape
    /// (backslash, tab, newline, carriage return), which are rare in audit data.
    public static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) {
        appendEscaped(bytes, arrayElement: false, to: &buffer)
    }

    /// `arrayElement`: also escape `"` and `\` for a quoted array element first, so `\` becomes
    /// `\\\\` and `"` becomes `\\"` on the wire.
    private static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, arrayElement: Bool, to buffer: inout [UInt8]) {
        var runStart = 0
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            // Most bytes fail all three tests: everything above carriage return except `\\` and `"`.
            if byte <= UInt8(ascii: "\r") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\"") {
                let escaped: UInt8
                switch byte {
                case UInt8(ascii: "\\"): escaped = UInt8(ascii: "\\")
                case UInt8(ascii: "\t"): escaped = UInt8(ascii: "t")
                case UInt8(ascii: "\n"): escaped = UInt8(ascii: "n")
                case UInt8(ascii: "\r"): escaped = UInt8(ascii: "r")
                case UInt8(ascii: "\"") where arrayElement: escaped = byte
                default:
                    index += 1
                    continue
                }
                if runStart < index { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
                if arrayElement && (byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\"")) {
                    // The array's backslash, escaped for COPY.
                    buffer.append(UInt8(ascii: "\\"))
                    buffer.append(UInt8(ascii: "\\"))
                    if byte == UInt8(ascii: "\\") {
                        buffer.append(UInt8(ascii: "\\"))
                        buffer.append(UInt8(ascii: "\\"))
                    } else {
                        buffer.append(byte)
                    }
                } else {
                    buffer.append(UInt8(ascii: "\\"))
                    buffer.append(escaped)
                }
                runStart = index + 1
            }
            index += 1
        }
        if runStart < count { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<count])) }
    }

    /// Appends `value` in decimal (no escapes needed).
    public static func appendInteger(_ value: some BinaryInteger, to buffer: inout [UInt8]) {
        var magnitude = UInt64(value.magnitude)
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        // 20 digits hold any UInt64.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var position = 20
            repeat {
                position -= 1
                digits[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: digits[position..<20]))
        }
    }

    /// Appends a `timestamptz` in UTC as `2026-11-21 19:04:02.123456+00`, PostgreSQL's own
    /// ISO output form.
    /// - Parameter microseconds: since 1970-01-01T00:00:00Z.
    public static func appendTimestamp(microseconds: Int64, to buffer: inout [UInt8]) {
        let perDay: Int64 = 86_400 * 1_000_000
        var days = microseconds / perDay
        var rest = microseconds % perDay
        if rest < 0 {
            days -= 1
            rest += perDay
        }
        let (year, month, day) = CivilDate.from(daysSinceEpoch: days)
        guard (0...9999).contains(year) else {
            // Outside four-digit years, take the general form (PostgreSQL accepts it too).
            appendEscaped(RFC3339.string(microseconds: microseconds), to: &buffer)
            return
        }
        let seconds = rest / 1_000_000
        appendDigits(year, width: 4, to: &buffer)
        buffer.append(UInt8(ascii: "-"))
        appendDigits(month, width: 2, to: &buffer)
        buffer.append(UInt8(ascii: "-"))
        appendDigits(day, width: 2, to: &buffer)
        buffer.append(UInt8(ascii: " "))
        appendDigits(seconds / 3600, width: 2, to: &buffer)
        buffer.append(UInt8(ascii: ":"))
        appendDigits(seconds / 60 % 60, width: 2, to: &buffer)
        buffer.append(UInt8(ascii: ":"))
        appendDigits(seconds % 60, width: 2, to: &buffer)
        buffer.append(UInt8(ascii: "."))
        appendDigits(rest % 1_000_000, width: 6, to: &buffer)
        buffer.append(UInt8(ascii: "+"))
        buffer.append(UInt8(ascii: "0"))
        buffer.append(UInt8(ascii: "0"))
    }

    /// Appends a non-negative `value` zero-padded to `width` digits.
    private static func appendDigits(_ value: Int64, width: Int, to buffer: inout [UInt8]) {
        var divisor: Int64 = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            buffer.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest / divisor % 10))
            rest %= divisor
            divisor /= 10
        }
    }

    /// Appends a one-dimensional text array (`PostgresArrayLiteral.encode`'s form: every
    /// element quoted, `"` and `\` backslash-escaped) with COPY's escapes on top, in one pass.
    public static func appendArray(_ elements: [String], to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "{"))
        for (index, element) in elements.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            buffer.append(UInt8(ascii: "\""))
            var element = element
            element.withUTF8 { appendEscaped($0, arrayElement: true, to: &buffer) }
            buffer.append(UInt8(ascii: "\""))
        }
        buffer.append(UInt8(ascii: "}"))
    }
}
