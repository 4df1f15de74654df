/// Replaces many single destinations of one network by one prefix term.
///
/// Object storage, CDNs and cloud APIs answer from addresses that change daily. When the hosts of
/// a role reach at least ``minAddresses`` distinct addresses inside one /16 (IPv4) or /32 (IPv6)
/// on the same port, protocol and executable, those connect terms become one term for the
/// narrowest prefix that covers them all (never wider than that /16 or /32), e.g.
/// `52.216.0.0/16:443/tcp /usr/bin/aws`. Its observations are the union of its members'.
/// Loopback and link-local destinations are never generalized, and a single odd address
/// elsewhere stays a single term.
public struct DestinationGeneralization: Sendable, Hashable {
    public var minAddresses: Int
    public var widestIPv4Prefix: Int
    public var widestIPv6Prefix: Int

    public init(minAddresses: Int = 8, widestIPv4Prefix: Int = 16, widestIPv6Prefix: Int = 32) {
        self.minAddresses = max(2, minAddresses)
        self.widestIPv4Prefix = widestIPv4Prefix
        self.widestIPv6Prefix = widestIPv6Prefix
    }

    /// A connect term taken apart: `address:port/proto[ exe]`.
    public struct ConnectParts: Sendable, Hashable {
        public var address: IPAddress
        public var port: String
        public var proto: String
        public var exe: String?

        /// Nil for unix sockets, prefixes and anything not written by ``TermCanonicalization``.
        public init?(_ value: String) {
            var rest = Substring(value)
            let host: Substring
            if rest.hasPrefix("[") {
                guard let close = rest.firstIndex(of: "]") else { return nil }
                host = rest[rest.index(after: rest.startIndex)..<close]
                rest = rest[rest.index(after: close)...]
                guard rest.hasPrefix(":") else { return nil }
                rest = rest.dropFirst()
            } else {
                guard let colon = rest.firstIndex(of: ":") else { return nil }
                host = rest[..<colon]
                rest = rest[rest.index(after: colon)...]
            }
            guard let address = IPAddress(host) else { return nil }
            let space = rest.firstIndex(of: " ")
            let destination = rest[..<(space ?? rest.endIndex)]
            guard let slash = destination.firstIndex(of: "/") else { return nil }
            self.address = address
            self.port = String(destination[..<slash])
            self.proto = String(destination[destination.index(after: slash)...])
            self.exe = space.map { String(rest[rest.index(after: $0)...]) }
        }
    }

    private struct GroupKey: Hashable {
        var network: IPAddress
        var port: String
        var proto: String
        var exe: String?
    }

    /// Returns the observations with generalized members replaced by their prefix term's, and the
    /// prefix terms created (sorted).
    public func generalize(_ observations: [TermObservation]) -> (observations: [TermObservation], prefixes: [Term]) {
        var groups: [GroupKey: Set<IPAddress>] = [:]
        var partsByTerm: [Term: ConnectParts] = [:]
        for o in observations where o.term.kind == .connect {
            guard partsByTerm[o.term] == nil else { continue }
            guard let parts = ConnectParts(o.term.value), !parts.address.isLoopback, !parts.address.isLinkLocal else { continue }
            partsByTerm[o.term] = parts
            let width = parts.address.isIPv4 ? widestIPv4Prefix : widestIPv6Prefix
            let key = GroupKey(network: parts.address.masked(to: width), port: parts.port, proto: parts.proto, exe: parts.exe)
            groups[key, default: []].insert(parts.address)
        }
        var prefixFor: [GroupKey: Term] = [:]
        for (key, addresses) in groups where addresses.count >= minAddresses {
            let sorted = addresses.sorted()
            let width = key.network.isIPv4 ? widestIPv4Prefix : widestIPv6Prefix
            let length = max(width, sorted.first!.commonPrefixLength(with: sorted.last!))
            prefixFor[key] = TermCanonicalization.connectPrefix(
                network: sorted.first!.masked(to: length), length: length, port: key.port, proto: key.proto, exe: key.exe)
        }
        guard !prefixFor.isEmpty else { return (observations, []) }

        var merged: [HostTerm: TermObservation] = [:]
        var kept: [TermObservation] = []
        for o in observations {
            guard let parts = partsByTerm[o.term] else { kept.append(o); continue }
            let width = parts.address.isIPv4 ? widestIPv4Prefix : widestIPv6Prefix
            let key = GroupKey(network: parts.address.masked(to: width), port: parts.port, proto: parts.proto, exe: parts.exe)
            guard let prefix = prefixFor[key] else { kept.append(o); continue }
            let slot = HostTerm(term: prefix, hostID: o.hostID)
            if var existing = merged[slot] {
                existing.days.formUnion(o.days)
                existing.count += o.count
                merged[slot] = existing
            } else {
                merged[slot] = TermObservation(term: prefix, hostID: o.hostID, days: o.days, count: o.count)
            }
        }
        return (kept + merged.values, Array(Set(prefixFor.values)).sorted())
    }

    private struct HostTerm: Hashable {
        var term: Term
        var hostID: Int64
    }
}
