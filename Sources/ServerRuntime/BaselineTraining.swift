import Baselining
import LibPQ
import Storage

/// `herdwatch learn`: rolls up new events, then learns each role's baseline from its
/// observations in a window and stores it as a new version when its admitted terms changed.
public struct BaselineTraining: Sendable {
    public var learner: Learner
    public var rollup: ObservationRollup

    public init(learner: Learner, rollup: ObservationRollup) {
        self.learner = learner
        self.rollup = rollup
    }

    /// What training did for one role.
    public struct Outcome: Sendable {
        public var role: String
        public var baseline: Baseline
        /// The version that holds this baseline: new, or the latest one when nothing changed.
        public var versionID: Int64
        public var created: Bool
        public var activated: Bool
        /// The active version before training, compared against.
        public var previouslyActive: Int64?
        public var added: [Term]
        public var dropped: [Term]
    }

    /// - Parameters:
    ///   - roles: roles to train; all roles with hosts or observations when nil.
    ///   - firstDay, endDay: the window in UTC days since 1970-01-01, `[firstDay, endDay)`.
    ///   - activate: make the resulting version active.
    public func train(roles: [String]?, firstDay: Int, endDay: Int, activate: Bool, session: Session) throws -> (ObservationRollup.Progress, [Outcome]) {
        let progress = try rollup.run(session)
        let repository = BaselineRepository(session: session)
        var outcomes: [Outcome] = []
        for role in try roles ?? repository.roles() {
            let observations = try repository.observations(role: role, firstDay: firstDay, endDay: endDay)
            let accepted = try repository.acceptedTerms(role: role)
            let baseline = learner.learn(role: role, firstDay: firstDay, endDay: endDay, observations: observations, accepted: accepted)
            let active = try repository.activeVersion(role: role)
            let activeBaseline = try active.flatMap { try repository.baseline($0.id)?.baseline }
            var versionID: Int64
            var created = false
            if let latest = try repository.latestVersion(role: role), latest.termDigest == baseline.termDigest {
                versionID = latest.id
            } else if baseline.entries.isEmpty {
                // Nothing observed and nothing accepted: no version to make.
                continue
            } else {
                versionID = try repository.insert(
                    baseline, source: "learned", parameters: parametersJSON, observedThroughSeq: progress.throughSeq)
                created = true
            }
            var activated = false
            if activate && active?.id != versionID {
                activated = try repository.activate(versionID)
            }
            let changes = baseline.changes(against: activeBaseline)
            outcomes.append(Outcome(
                role: role, baseline: baseline, versionID: versionID, created: created, activated: activated,
                previouslyActive: active?.id, added: changes.added, dropped: changes.dropped))
        }
        return (progress, outcomes)
    }

    var parametersJSON: String {
        let r = learner.rule, g = learner.generalization
        return #"{"min_hosts":\#(r.minHosts),"min_fraction":\#(r.minFraction),"min_days":\#(r.minDays),"#
            + #""prefix_min_addresses":\#(g.minAddresses)}"#
    }
}
