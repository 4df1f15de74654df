/// What the observations rollup holds about one term on one host in a training window.
public struct TermObservation: Sendable, Hashable {
    public var term: Term
    public var hostID: Int64
    /// UTC days (days since 1970-01-01) on which the host showed the term.
    public var days: Set<Int>
    public var count: Int64

    public init(term: Term, hostID: Int64, days: Set<Int>, count: Int64) {
        self.term = term
        self.hostID = hostID
        self.days = days
        self.count = count
    }
}

/// A term's prevalence in a role over a window.
public struct Prevalence: Sendable, Hashable {
    /// Hosts that showed it, and hosts of the role that reported in the window.
    public var hosts: Int
    public var roleHosts: Int
    /// Distinct days it was seen, and days in the window.
    public var days: Int
    public var windowDays: Int
    public var count: Int64

    public init(hosts: Int, roleHosts: Int, days: Int, windowDays: Int, count: Int64) {
        self.hosts = hosts
        self.roleHosts = roleHosts
        self.days = days
        self.windowDays = windowDays
        self.count = count
    }
}
