import AuditCore

/// Parses the socket tables `/proc/net/tcp`, `tcp6`, `udp` and `udp6` (proc(5)). Pure: bytes in,
/// entries out, so it is tested on fixed text and runs on tables copied from any host.
///
/// A line looks like (proc(5), kernel `net/ipv4/tcp_ipv4.c` `get_tcp4_sock`):
/// ```
///   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
///    0: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 41842 1 …
/// ```
/// Addresses are the kernel's `__be32` words printed with `%08X` as host integers: on a
/// little-endian host `127.0.0.1` reads `0100007F`. IPv6 addresses are four such words. Ports
/// are `%04X` of the port number (already in host order). `st` is hex, `uid` and `inode`
/// decimal. The header line and any line that does not parse are skipped and counted.
public enum ProcNetParser {
    /// Byte order of the host that wrote the table.
    public enum ByteOrder: Sendable {
        case little, big
        /// This host's byte order.
        public static var host: ByteOrder { 1.littleEndian == 1 ? .little : .big }
    }

    /// - Parameters:
    ///   - bytes: a whole table file.
    ///   - protocol: which table it is (decides IPv4 or IPv6 addresses).
    ///   - byteOrder: the byte order of the host that wrote it.
    /// - Returns: the sockets, and how many lines other than the header were skipped as malformed.
    public static func parse(
        _ bytes: some Collection<UInt8>, protocol: ProcNetProtocol, byteOrder: ByteOrder = .host
    ) -> (entries: [SocketEntry], malformedLines: Int) {
        var entries: [SocketEntry] = []
        var malformed = 0
        for line in Array(bytes).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            let fields = line.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
            if fields.first.map({ $0.elementsEqual("sl".utf8) }) ?? true { continue }
            if let entry = entry(fields, protocol: `protocol`, byteOrder: byteOrder) {
                entries.append(entry)
            } else {
                malformed += 1
            }
        }
        return (entries, malformed)
    }

    static func entry(_ fields: [ArraySlice<UInt8>], protocol: ProcNetProtocol, byteOrder: ByteOrder) -> SocketEntry? {
        guard fields.count >= 10, fields[0].last == UInt8(ascii: ":"),
            let local = endpoint(fields[1], ipv6: `protocol`.isIPv6, byteOrder: byteOrder),
            let remote = endpoint(fields[2], ipv6: `protocol`.isIPv6, byteOrder: byteOrder),
            let state = number(fields[3], radix: 16).flatMap({ UInt8(exactly: $0) }),
            let uid = number(fields[7], radix: 10).flatMap({ UInt32(exactly: $0) }),
            let inode = number(fields[9], radix: 10)
        else { return nil }
        return SocketEntry(
            protocol: `protocol`, localAddress: local.address, localPort: local.port, remoteAddress: remote.address,
            remotePort: remote.port, state: state, uid: uid, inode: inode)
    }

    /// `ADDRESS:PORT` in hex: 8 address digits for IPv4, 32 for IPv6, then 4 port digits.
    static func endpoint(_ field: ArraySlice<UInt8>, ipv6: Bool, byteOrder: ByteOrder) -> (address: String, port: UInt16)? {
        let parts = field.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        let words = ipv6 ? 4 : 1
        guard parts.count == 2, parts[0].count == 8 * words, parts[1].count == 4,
            let port = number(parts[1], radix: 16).flatMap({ UInt16(exactly: $0) })
        else { return nil }
        var address: [UInt8] = []
        var digits = parts[0][...]
        for _ in 0..<words {
            guard let word = number(digits.prefix(8), radix: 16).flatMap({ UInt32(exactly: $0) }) else { return nil }
            digits = digits.dropFirst(8)
            // The word's bytes in the writing host's memory order are the address bytes.
            let value = byteOrder == .little ? word.byteSwapped : word
            address += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
        }
        return (text(address), port)
    }

    /// Dotted IPv4, or RFC 5952 IPv6 through the SOCKADDR decoder so both agree on the text.
    static func text(_ address: [UInt8]) -> String {
        if address.count == 4 { return "\(address[0]).\(address[1]).\(address[2]).\(address[3])" }
        // struct sockaddr_in6 (man 7 ipv6): family 10 (little-endian), port, flowinfo, address.
        let sockaddr: [UInt8] = [10, 0, 0, 0, 0, 0, 0, 0] + address
        return SocketAddressDecoder.decode(sockaddr)?.address ?? "::"
    }

    /// An unsigned number of at most 20 digits; nil for anything else.
    static func number(_ digits: some Collection<UInt8>, radix: UInt64) -> UInt64? {
        guard !digits.isEmpty, digits.count <= 20 else { return nil }
        var value: UInt64 = 0
        for c in digits {
            let d: UInt64
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt64(c - UInt8(ascii: "0"))
            case UInt8(ascii: "A")...UInt8(ascii: "F") where radix == 16: d = UInt64(c - UInt8(ascii: "A") + 10)
            case UInt8(ascii: "a")...UInt8(ascii: "f") where radix == 16: d = UInt64(c - UInt8(ascii: "a") + 10)
            default: return nil
            }
            let (m, o1) = value.multipliedReportingOverflow(by: radix)
            let (s, o2) = m.addingReportingOverflow(d)
            if o1 || o2 { return nil }
            value = s
        }
        return value
    }
}
