/// Just enough decoding of audit record text for the kernel tests to check what they caused;
/// the real parser lives in AuditCore. Record text: `audit(SECONDS.MILLIS:SERIAL): name=value …`
/// where a value is `"quoted"` or, when it holds spaces, quotes or control bytes, hex
/// (kernel/audit.c `audit_log_n_untrustedstring`).
struct RecordText {
    let type: UInt16
    let text: String

    /// The `SERIAL` of `audit(…:SERIAL)`.
    var serial: Substring? {
        guard let open = text.firstIndex(of: "("), let close = text.firstIndex(of: ")"),
            let colon = text[open..<close].lastIndex(of: ":")
        else { return nil }
        return text[text.index(after: colon)..<close]
    }

    /// The raw value of the first field `name`, quotes included.
    func field(_ name: String) -> Substring? {
        if let range = text.firstRange(of: " \(name)=") {
            let start = range.upperBound
            if text[start] == "\"", let end = text[text.index(after: start)...].firstIndex(of: "\"") {
                return text[start...end]
            }
            let end = text[start...].firstIndex(of: " ") ?? text.endIndex
            return text[start..<end]
        }
        return nil
    }

    /// A string field decoded from either encoding.
    func string(_ name: String) -> String? {
        guard let raw = field(name) else { return nil }
        if raw.hasPrefix("\"") { return String(raw.dropFirst().dropLast()) }
        guard let bytes = Self.hex(raw) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func hex(_ text: Substring) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        for i in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }

    /// A SOCKADDR record's `saddr`: family (host order, as in memory), port (network order)
    /// and address bytes (4 for AF_INET, 16 for AF_INET6 after flowinfo).
    var socketAddress: (family: UInt16, port: UInt16, address: [UInt8])? {
        guard let raw = field("saddr"), let bytes = Self.hex(raw), bytes.count >= 8 else { return nil }
        let family = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt16.self) }
        let port = UInt16(bytes[2]) << 8 | UInt16(bytes[3])
        switch family {
        case 2: return (family, port, Array(bytes[4..<8]))
        case 10 where bytes.count >= 24: return (family, port, Array(bytes[8..<24]))
        default: return (family, port, [])
        }
    }
}
