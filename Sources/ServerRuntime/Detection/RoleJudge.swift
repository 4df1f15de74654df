import Baselining
import LibPQ
import Storage
import Synchronization

/// What detection knows about one role: its active baseline as a lookup, the terms accepted in
/// triage (for the role and per host), and which executables listen on the network.
struct RoleJudge: Sendable {
    var baselineID: Int64
    var index: BaselineIndex
    var hostExceptions: [Int64: Set<Term>]
    /// Executables of the baseline's listen terms: a child of one of them is a child of a
    /// network-facing daemon.
    var networkDaemons: Set<String>

    func accepts(_ term: Term, host: Int64) -> Bool {
        index.covers(term) || hostExceptions[host]?.contains(term) == true
    }

    /// Loads the given active baselines (role → version id), with accepted terms.
    static func loadAll(_ session: Session, active: [String: Int64]) throws -> [String: RoleJudge] {
        let baselines = BaselineRepository(session: session)
        let store = DetectorStore(session: session)
        var out: [String: RoleJudge] = [:]
        for (role, id) in active {
            guard let baseline = try baselines.baseline(id)?.baseline else { continue }
            let admitted = baseline.admitted
            let accepted = try baselines.acceptedTerms(role: role)
            var exceptions: [Int64: Set<Term>] = [:]
            for (host, pairs) in try store.hostExceptions(role: role) {
                exceptions[host] = Set(pairs.compactMap { pair in TermKind(rawValue: pair.kind).map { Term($0, pair.term) } })
            }
            let daemons = Set(admitted.filter { $0.kind == .listen }.compactMap { term -> String? in
                guard let space = term.value.firstIndex(of: " ") else { return nil }
                return String(term.value[term.value.index(after: space)...])
            })
            out[role] = RoleJudge(
                baselineID: id, index: BaselineIndex(admitted: admitted + accepted), hostExceptions: exceptions,
                networkDaemons: daemons)
        }
        return out
    }
}

/// The role judges of the last pass, reused while no baseline was activated and no term
/// accepted, so the continuous detector does not reload every baseline on every wake-up.
final class RoleJudgeCache: Sendable {
    private let state = Mutex<(key: String, judges: [String: RoleJudge])?>(nil)

    func judges(_ session: Session) throws -> [String: RoleJudge] {
        let store = DetectorStore(session: session)
        let active = try store.activeBaselines()
        let key = try store.activeBaselinesFingerprint() + "|" + store.acceptedTermsVersion()
        if let cached = state.withLock({ $0 }), cached.key == key { return cached.judges }
        let judges = try RoleJudge.loadAll(session, active: active)
        state.withLock { $0 = (key, judges) }
        return judges
    }
}
