/// An IPv4 or IPv6 address as bytes, with the prefix arithmetic destination generalization needs.
///
/// Parsing accepts dotted-quad IPv4 and RFC 4291 IPv6 text (with `::` and an embedded IPv4
/// tail); formatting writes dotted quads and RFC 5952 IPv6 (lower case, longest zero run as `::`).
public struct IPAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 4 or 16 bytes, network order.
    public let bytes: [UInt8]

    public init?(_ text: some StringProtocol) {
        if text.contains(":") {
            guard let bytes = Self.parseIPv6(Substring(text)) else { return nil }
            self.bytes = bytes
        } else {
            guard let bytes = Self.parseIPv4(Substring(text)) else { return nil }
            self.bytes = bytes
        }
    }

    public init(bytes: [UInt8]) {
        precondition(bytes.count == 4 || bytes.count == 16, "an IP address has 4 or 16 bytes, not \(bytes.count)")
        self.bytes = bytes
    }

    public var isIPv4: Bool { bytes.count == 4 }
    public var bitWidth: Int { bytes.count * 8 }

    /// 127.0.0.0/8 and ::1.
    public var isLoopback: Bool {
        isIPv4 ? bytes[0] == 127 : bytes == [UInt8](repeating: 0, count: 15) + [1]
    }

    /// 169.254.0.0/16 and fe80::/10.
    public var isLinkLocal: Bool {
        isIPv4 ? (bytes[0] == 169 && bytes[1] == 254) : (bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80)
    }

    /// Private ranges (RFC 1918 10/8, 172.16/12, 192.168/16; shared 100.64/10; unique local
    /// fc00::/7), loopback or link-local: a destination inside the organization or the host.
    public var isPrivateOrLocal: Bool {
        if isLoopback || isLinkLocal { return true }
        if isIPv4 {
            return bytes[0] == 10 || (bytes[0] == 172 && bytes[1] & 0xf0 == 16) || (bytes[0] == 192 && bytes[1] == 168)
                || (bytes[0] == 100 && bytes[1] & 0xc0 == 64)
        }
        return bytes[0] & 0xfe == 0xfc
    }

    /// The address with every bit after the first `length` cleared.
    public func masked(to length: Int) -> IPAddress {
        var out = bytes
        for i in out.indices {
            let keep = max(0, min(8, length - i * 8))
            out[i] &= keep == 8 ? 0xff : UInt8(truncatingIfNeeded: 0xff << (8 - keep))
        }
        return IPAddress(bytes: out)
    }

    /// How many leading bits `self` and `other` share (same family).
    public func commonPrefixLength(with other: IPAddress) -> Int {
        precondition(bytes.count == other.bytes.count, "families differ")
        for i in bytes.indices where bytes[i] != other.bytes[i] {
            return i * 8 + (bytes[i] ^ other.bytes[i]).leadingZeroBitCount
        }
        return bitWidth
    }

    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        if lhs.bytes.count != rhs.bytes.count { return lhs.bytes.count < rhs.bytes.count }
        return lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }

    public var description: String {
        if isIPv4 { return bytes.map(String.init).joined(separator: ".") }
        var groups: [UInt16] = []
        for i in stride(from: 0, to: 16, by: 2) { groups.append(UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1])) }
        // Longest run of two or more zero groups, the first one on a tie (RFC 5952 section 4.2).
        var bestStart = -1, bestLength = 0, i = 0
        while i < 8 {
            guard groups[i] == 0 else { i += 1; continue }
            var j = i
            while j < 8 && groups[j] == 0 { j += 1 }
            if j - i > bestLength && j - i >= 2 { bestStart = i; bestLength = j - i }
            i = j
        }
        func hex(_ range: Range<Int>) -> String { groups[range].map { String($0, radix: 16) }.joined(separator: ":") }
        guard bestStart >= 0 else { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }

    static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = UInt8(part) else { return nil }
            out.append(value)
        }
        return out
    }

    static func parseIPv6(_ text: Substring) -> [UInt8]? {
        var text = text
        var tail: [UInt8] = []
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard let v4 = parseIPv4(text[text.index(after: lastColon)...]) else { return nil }
            tail = v4
            text = text[...lastColon]
            if text.hasSuffix(":") && !text.hasSuffix("::") { text = text.dropLast() }
        }
        func groups(_ s: Substring) -> [UInt16]? {
            if s.isEmpty { return [] }
            var out: [UInt16] = []
            for g in s.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(g.count), let v = UInt16(g, radix: 16) else { return nil }
                out.append(v)
            }
            return out
        }
        let wanted = (16 - tail.count) / 2
        var all: [UInt16]
        if let range = text.firstRange(of: "::") {
            guard let head = groups(text[..<range.lowerBound]), let rest = groups(text[range.upperBound...]),
                  head.count + rest.count < wanted, !text[range.upperBound...].contains("::") else { return nil }
            all = head + [UInt16](repeating: 0, count: wanted - head.count - rest.count) + rest
        } else {
            guard let g = groups(text), g.count == wanted else { return nil }
            all = g
        }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] } + tail
    }
}
