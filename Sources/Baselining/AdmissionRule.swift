/// When a term enters a role's baseline.
///
/// A term is admitted when at least `max(minHosts, ⌈minFraction × role size⌉)` of the role's
/// hosts show it, so one compromised host (or a few, in a large role) cannot teach the fleet its
/// backdoor. A role with fewer than `minHosts` hosts has too few peers to outvote a bad host; it
/// admits a term seen on at least `minDays` distinct days (or on every day the role reported,
/// when it reported on fewer), or, with two or more hosts, one that every host shows.
///
/// Defaults (`learn.min_hosts` 3, `learn.min_fraction` 0.1, `learn.min_days` 2):
/// - 1 host: a term seen on 2 days of the window. What happens once (a daemon started at boot,
///   its listening port) is held back and listed until a reboot repeats it or it is accepted.
/// - 2 hosts: a term both hosts show, or one seen on 2 days.
/// - 3 hosts: all 3. 8 hosts: 3 of 8. 50 hosts: 5 of 50.
public struct AdmissionRule: Sendable, Hashable {
    public var minHosts: Int
    public var minFraction: Double
    public var minDays: Int

    public init(minHosts: Int = 3, minFraction: Double = 0.1, minDays: Int = 2) {
        self.minHosts = max(1, minHosts)
        self.minFraction = min(1, max(0, minFraction))
        self.minDays = max(1, minDays)
    }

    /// Hosts a term needs in a role of `roleHosts` hosts, or nil when the role admits by days.
    public func requiredHosts(roleHosts: Int) -> Int? {
        guard roleHosts >= minHosts else { return nil }
        let byFraction = Int((minFraction * Double(roleHosts)).rounded(.up))
        return max(minHosts, byFraction)
    }

    /// - Parameters:
    ///   - hosts: hosts of the role that showed the term in the window.
    ///   - days: distinct days on which any of them showed it.
    ///   - roleHosts: hosts of the role that reported in the window.
    ///   - roleDays: distinct days on which the role reported in the window.
    public func admits(hosts: Int, days: Int, roleHosts: Int, roleDays: Int) -> Bool {
        if let required = requiredHosts(roleHosts: roleHosts) { return hosts >= required }
        if roleHosts >= 2 && hosts >= roleHosts { return true }
        return days >= min(minDays, max(1, roleDays))
    }
}
