#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The last value of one field as written on the wire and the text made of it: a process
/// repeats its PROCTITLE in every event it causes, and a rule its key, so the next event
/// usually finds the same bytes here and shares the text (one retain) instead of decoding it
/// again and allocating a new string. Only the bytes decide, so a hit gives exactly what
/// decoding them gives.
struct TextMemo: Sendable {
    /// Values longer than this are not kept (PROCTITLE is at most 128 bytes, 256 hex digits).
    static let maximumLength = 512

    private var raw: [UInt8] = []
    private var encoding = AuditField.Encoding.bare
    private var text: String?
    private var isSet = false

    /// The text for `value`: the remembered one when the bytes and their encoding are the same
    /// as last time, else `make()`'s, remembered for next time.
    @inline(__always)
    mutating func text(
        for value: UnsafeRawBufferPointer, _ encoding: AuditField.Encoding, make: () -> String?
    ) -> String? {
        if isSet, encoding == self.encoding, value.count == raw.count,
            value.isEmpty || raw.withUnsafeBytes({ memcmp($0.baseAddress!, value.baseAddress!, value.count) == 0 })
        {
            return text
        }
        let made = make()
        if value.count <= Self.maximumLength {
            raw.removeAll(keepingCapacity: true)
            raw.append(contentsOf: value)
            self.encoding = encoding
            text = made
            isSet = true
        }
        return made
    }
}
