/// Learns one role's baseline from its observations in a window. A pure function of its inputs:
/// the same observations give the same baseline, entry for entry.
///
/// ```swift
/// let learner = Learner(rule: AdmissionRule(), generalization: DestinationGeneralization())
/// let baseline = learner.learn(role: "web", firstDay: d0, endDay: d0 + 14, observations: rows, accepted: [])
/// ```
public struct Learner: Sendable {
    public var rule: AdmissionRule
    public var generalization: DestinationGeneralization

    public init(rule: AdmissionRule = AdmissionRule(), generalization: DestinationGeneralization = DestinationGeneralization()) {
        self.rule = rule
        self.generalization = generalization
    }

    /// - Parameters:
    ///   - observations: per term and host, the days seen and the count (only days in the window).
    ///   - accepted: terms accepted in triage for this role; always admitted.
    public func learn(role: String, firstDay: Int, endDay: Int, observations: [TermObservation], accepted: Set<Term>) -> Baseline {
        let roleHosts = Set(observations.map(\.hostID)).count
        let roleDays = observations.reduce(into: Set<Int>()) { $0.formUnion($1.days) }.count
        let (generalized, prefixes) = generalization.generalize(observations)
        let prefixSet = Set(prefixes)

        struct Tally {
            var hosts: Set<Int64> = []
            var days: Set<Int> = []
            var count: Int64 = 0
        }
        var tallies: [Term: Tally] = [:]
        for o in generalized {
            tallies[o.term, default: Tally()].hosts.insert(o.hostID)
            tallies[o.term, default: Tally()].days.formUnion(o.days)
            tallies[o.term, default: Tally()].count += o.count
        }

        var entries: [Baseline.Entry] = []
        for (term, tally) in tallies {
            let prevalence = Prevalence(
                hosts: tally.hosts.count, roleHosts: roleHosts, days: tally.days.count,
                windowDays: endDay - firstDay, count: tally.count)
            let admitted = rule.admits(hosts: tally.hosts.count, days: tally.days.count, roleHosts: roleHosts, roleDays: roleDays)
            let origin: Baseline.Origin
            if !admitted && accepted.contains(term) {
                origin = .accepted
            } else {
                origin = prefixSet.contains(term) ? .prefix : .observed
            }
            entries.append(Baseline.Entry(
                term: term, status: admitted || accepted.contains(term) ? .admitted : .heldBack,
                origin: origin, prevalence: prevalence))
        }
        for term in accepted where tallies[term] == nil {
            entries.append(Baseline.Entry(term: term, status: .admitted, origin: .accepted, prevalence: nil))
        }
        return Baseline(role: role, firstDay: firstDay, endDay: endDay, roleHosts: roleHosts, entries: entries)
    }
}
