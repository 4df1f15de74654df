/// What a role's hosts agree a path holds, with no golden host: the content held by more
/// than half of the hosts that hold the path is the majority, and every other holder differs.
///
/// Hosts that do not hold the path are not counted (a file on one host only is a change, not
/// drift). Without a strict majority (1 against 1, a three-way split) nobody can say which
/// host is off, so there is no drift to report.
///
/// ```swift
/// let consensus = ContentConsensus([.init(host: "web-01", content: "sha256:aa…"), …])
/// consensus.description(role: "web")   // "7 of 8 web hosts agree; web-03 differs"
/// ```
public struct ContentConsensus: Sendable, Hashable {
    public struct Holder: Sendable, Hashable {
        public var host: String
        public var content: String

        public init(host: String, content: String) {
            self.host = host
            self.content = content
        }
    }

    /// Hosts that hold the path.
    public let holders: Int
    /// The content more than half of the holders hold; nil without a strict majority.
    public let majority: String?
    /// Holders of the majority content.
    public let agree: Int
    /// Holders of any other content, sorted by host; empty without a majority.
    public let differing: [Holder]

    public init(_ holders: [Holder]) {
        self.holders = holders.count
        var counts: [String: Int] = [:]
        for holder in holders { counts[holder.content, default: 0] += 1 }
        let top = counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }
        if let top, top.value * 2 > holders.count {
            majority = top.key
            agree = top.value
            differing = holders.filter { $0.content != top.key }.sorted { $0.host < $1.host }
        } else {
            majority = nil
            agree = 0
            differing = []
        }
    }

    /// Whether some host differs from a majority.
    public var isDrift: Bool { majority != nil && !differing.isEmpty }

    /// "7 of 8 web hosts agree; web-03 differs", or "…; web-03, web-05 differ".
    public func description(role: String) -> String {
        let names = differing.map(\.host).joined(separator: ", ")
        let role = role.isEmpty ? "" : role + " "
        return "\(agree) of \(holders) \(role)hosts agree; \(names) \(differing.count == 1 ? "differs" : "differ")"
    }
}
