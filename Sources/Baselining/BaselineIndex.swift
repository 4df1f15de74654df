/// Answers "does the baseline accept this term?" for detection and backtests: exact terms, and
/// connect terms whose address lies inside an admitted prefix term with the same port, protocol
/// and executable.
public struct BaselineIndex: Sendable {
    private let exact: Set<Term>
    private var prefixes: [PrefixKey: [(network: IPAddress, length: Int)]] = [:]

    private struct PrefixKey: Hashable {
        var port: String
        var proto: String
        var exe: String?
    }

    public init(admitted: some Sequence<Term>) {
        var exact = Set<Term>()
        for term in admitted {
            exact.insert(term)
            if term.kind == .connect, let prefix = Self.prefix(term.value) {
                prefixes[PrefixKey(port: prefix.port, proto: prefix.proto, exe: prefix.exe), default: []]
                    .append((prefix.network, prefix.length))
            }
        }
        self.exact = exact
    }

    public func covers(_ term: Term) -> Bool {
        if exact.contains(term) { return true }
        guard term.kind == .connect, !prefixes.isEmpty, let parts = DestinationGeneralization.ConnectParts(term.value),
              let candidates = prefixes[PrefixKey(port: parts.port, proto: parts.proto, exe: parts.exe)] else { return false }
        return candidates.contains { candidate in
            candidate.network.bytes.count == parts.address.bytes.count
                && parts.address.masked(to: candidate.length) == candidate.network
        }
    }

    /// A prefix connect term taken apart: `NET/LEN:port/proto[ exe]` or `[NET/LEN]:port/proto[ exe]`.
    static func prefix(_ value: String) -> (network: IPAddress, length: Int, port: String, proto: String, exe: String?)? {
        var rest = Substring(value)
        let host: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = rest[rest.index(after: rest.startIndex)..<close]
            rest = rest[rest.index(after: close)...].dropFirst()
        } else {
            guard let colon = rest.firstIndex(of: ":") else { return nil }
            host = rest[..<colon]
            rest = rest[rest.index(after: colon)...]
        }
        guard let slash = host.firstIndex(of: "/"), let network = IPAddress(host[..<slash]),
              let length = Int(host[host.index(after: slash)...]), (0...network.bitWidth).contains(length) else { return nil }
        let space = rest.firstIndex(of: " ")
        let destination = rest[..<(space ?? rest.endIndex)]
        guard let protoSlash = destination.firstIndex(of: "/") else { return nil }
        return (network, length, String(destination[..<protoSlash]), String(destination[destination.index(after: protoSlash)...]),
                space.map { String(rest[rest.index(after: $0)...]) })
    }
}
