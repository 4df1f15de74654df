/// What a baseline would have flagged in a later window: the terms it does not accept, one per
/// term (as findings are: every further host joins it), with the hosts that showed them.
public enum Backtest {
    public struct Novelty: Sendable, Hashable {
        public var term: Term
        /// Sorted.
        public var hostIDs: [Int64]
        public var count: Int64
        /// First UTC day (since 1970-01-01) it was seen in the test window.
        public var firstDay: Int

        public init(term: Term, hostIDs: [Int64], count: Int64, firstDay: Int) {
            self.term = term
            self.hostIDs = hostIDs
            self.count = count
            self.firstDay = firstDay
        }
    }

    /// - Returns: novelties sorted by term.
    public static func novelties(_ baseline: Baseline, test: [TermObservation]) -> [Novelty] {
        let index = BaselineIndex(admitted: baseline.admitted)
        var byTerm: [Term: Novelty] = [:]
        for o in test where !index.covers(o.term) {
            var n = byTerm[o.term] ?? Novelty(term: o.term, hostIDs: [], count: 0, firstDay: Int.max)
            n.hostIDs.append(o.hostID)
            n.count += o.count
            n.firstDay = min(n.firstDay, o.days.min() ?? Int.max)
            byTerm[o.term] = n
        }
        return byTerm.values.map { n in
            var n = n
            n.hostIDs = Array(Set(n.hostIDs)).sorted()
            return n
        }.sorted { $0.term < $1.term }
    }
}
