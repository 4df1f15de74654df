import FleetModel
import Glibc

/// Fills in user and group names on live events from this host's user database, as auditd's
/// ENRICHED format does, so an analyst reads "alice" rather than 1000.
///
/// Only for live capture: a replayed log from another host must not get this host's names, so
/// `replay` and `parse` never use it. Lookups go through NSS (`getpwuid_r(3)`, `getgrgid_r(3)`),
/// which may be slow (LDAP, sssd), so answers, including "no such user", are cached, and the
/// cache is bounded: when full it is emptied and refilled, which costs a few lookups and keeps
/// memory flat whatever uids a host shows.
public struct LocalUserNames {
    private var users: [UInt32: String?] = [:]
    private var groups: [UInt32: String?] = [:]
    private let capacity: Int
    private let lookUpUser: (UInt32) -> String?
    private let lookUpGroup: (UInt32) -> String?

    /// The kernel's "unset" id ((uint32)-1), which has no name.
    static let unset = UInt32.max

    public init(capacity: Int = 4096) {
        self.init(capacity: capacity, user: Self.passwordName, group: Self.groupName)
    }

    /// With other lookups, for a host whose user database is elsewhere.
    init(capacity: Int, user: @escaping (UInt32) -> String?, group: @escaping (UInt32) -> String?) {
        self.capacity = capacity
        self.lookUpUser = user
        self.lookUpGroup = group
    }

    /// Sets the names the event lacks; names it already has (from ENRICHED fields) are kept.
    public mutating func fillNames(of event: inout AuditEvent) {
        if event.user.uidName == nil, let uid = event.user.uid { event.user.uidName = userName(uid) }
        if event.user.euidName == nil, let euid = event.user.euid { event.user.euidName = userName(euid) }
        if event.user.auidName == nil, let auid = event.user.auid { event.user.auidName = userName(auid) }
        if event.user.gidName == nil, let gid = event.user.gid { event.user.gidName = groupName(gid) }
    }

    /// How many user ids the cache holds, for tests of its bound.
    var cachedUsers: Int { users.count }

    mutating func userName(_ id: UInt32) -> String? {
        guard id != Self.unset else { return nil }
        if let cached = users[id] { return cached }
        if users.count >= capacity { users.removeAll(keepingCapacity: true) }
        let name = lookUpUser(id)
        users[id] = name
        return name
    }

    mutating func groupName(_ id: UInt32) -> String? {
        guard id != Self.unset else { return nil }
        if let cached = groups[id] { return cached }
        if groups.count >= capacity { groups.removeAll(keepingCapacity: true) }
        let name = lookUpGroup(id)
        groups[id] = name
        return name
    }

    /// `getpwuid_r(3)`: the login name of `uid`, or nil when there is none.
    static func passwordName(_ uid: UInt32) -> String? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        let status = getpwuid_r(uid, &entry, &buffer, buffer.count, &result)
        guard status == 0, result != nil, let name = entry.pw_name else { return nil }
        return AuditText.make(UnsafeRawBufferPointer(start: name, count: strlen(name)))
    }

    /// `getgrgid_r(3)`: the name of group `gid`, or nil when there is none.
    static func groupName(_ gid: UInt32) -> String? {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        let status = getgrgid_r(gid, &entry, &buffer, buffer.count, &result)
        guard status == 0, result != nil, let name = entry.gr_name else { return nil }
        return AuditText.make(UnsafeRawBufferPointer(start: name, count: strlen(name)))
    }
}
