import FleetModel

/// Decodes the `saddr=` of a SOCKADDR record: the raw `struct sockaddr` the syscall was given,
/// hex encoded (kernel `audit_log_exit`, `AUDIT_SOCKADDR`).
///
/// `sa_family` is in the *recording host's* byte order (little-endian on x86_64 and aarch64,
/// assumed here); ports are big-endian (`man 7 ip`). Layouts: `sockaddr_in` (`man 7 ip`),
/// `sockaddr_in6` (`man 7 ipv6`), `sockaddr_un` (`man 7 unix`, abstract names start with NUL,
/// written `@`, trailing NUL padding dropped), `sockaddr_nl` (`man 7 netlink`).
public enum SocketAddressDecoder {
    public static func decode(_ s: [UInt8]) -> AuditSocketAddress? {
        guard s.count >= 2 else { return nil }
        let family = UInt16(s[0]) | UInt16(s[1]) << 8
        switch family {
        case 0: return AuditSocketAddress(family: "unspec")
        case 1:
            // At most sizeof(struct sockaddr_storage), 128 bytes: the kernel takes no longer
            // address (`move_addr_to_kernel`). A hostile saddr of 500 KB made a path that
            // SocketBindings kept, 16,384 of them.
            var path = Array(s[2..<min(s.count, 128)])
            if path.first == 0 {
                // Abstract: the name is every byte up to addrlen; callers often pass the whole
                // struct, so trailing NUL padding is dropped.
                path[0] = UInt8(ascii: "@")
                while path.count > 1, path.last == 0 { path.removeLast() }
            } else if let nul = path.firstIndex(of: 0) {
                path.removeSubrange(nul...)
            }
            return AuditSocketAddress(family: "unix", path: path.isEmpty ? nil : AuditText.make(path))
        case 2:
            guard s.count >= 8 else { return AuditSocketAddress(family: "inet") }
            return AuditSocketAddress(family: "inet", address: "\(s[4]).\(s[5]).\(s[6]).\(s[7])", port: port(s))
        case 10:
            guard s.count >= 24 else { return AuditSocketAddress(family: "inet6") }
            return AuditSocketAddress(family: "inet6", address: ipv6(Array(s[8..<24])), port: port(s))
        case 16:
            guard s.count >= 12 else { return AuditSocketAddress(family: "netlink") }
            let pid = UInt32(s[4]) | UInt32(s[5]) << 8 | UInt32(s[6]) << 16 | UInt32(s[7]) << 24
            return AuditSocketAddress(family: "netlink", netlinkPid: pid)
        default:
            return AuditSocketAddress(family: "family=\(family)")
        }
    }

    private static func port(_ s: [UInt8]) -> UInt16 { UInt16(s[2]) << 8 | UInt16(s[3]) }

    /// RFC 5952 text: lower-case, leading zeros dropped, the longest run (≥ 2) of zero groups as `::`,
    /// IPv4-mapped addresses as `::ffff:a.b.c.d`.
    static func ipv6(_ a: [UInt8]) -> String {
        if a[0..<10].allSatisfy({ $0 == 0 }), a[10] == 0xFF, a[11] == 0xFF {
            return "::ffff:\(a[12]).\(a[13]).\(a[14]).\(a[15])"
        }
        let groups = (0..<8).map { UInt16(a[2 * $0]) << 8 | UInt16(a[2 * $0 + 1]) }
        var bestStart = -1, bestLength = 0, i = 0
        while i < 8 {
            if groups[i] == 0 {
                var j = i
                while j < 8, groups[j] == 0 { j += 1 }
                if j - i > bestLength, j - i >= 2 { bestStart = i; bestLength = j - i }
                i = j
            } else {
                i += 1
            }
        }
        var out = ""
        i = 0
        while i < 8 {
            if i == bestStart {
                out += "::"
                i += bestLength
                continue
            }
            if !out.isEmpty, !out.hasSuffix(":") { out += ":" }
            out += String(groups[i], radix: 16)
            i += 1
        }
        return out
    }
}
