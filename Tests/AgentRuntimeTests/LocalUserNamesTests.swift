@testable import AgentRuntime
import FleetModel
import Glibc
import Testing

@Suite("Local user and group names for live events")
struct LocalUserNamesTests {
    @Test func resolvesThisHostsNamesAndKeepsEnrichedOnes() {
        var names = LocalUserNames()
        var event = AuditEvent(timestampMilliseconds: 0, serial: 1)
        event.user = AuditUser(uid: 0, euid: 0, gid: 0, auid: UInt32.max, ses: UInt32.max)
        event.user.euidName = "from-enriched"
        names.fillNames(of: &event)
        #expect(event.user.uidName == "root")
        #expect(event.user.gidName == "root")
        #expect(event.user.euidName == "from-enriched")
        #expect(event.user.auidName == nil, "unset auid has no name")
        // A uid with no account stays without a name.
        var unknown = AuditEvent(timestampMilliseconds: 0, serial: 2)
        unknown.user = AuditUser(uid: 3_999_999_999)
        names.fillNames(of: &unknown)
        #expect(unknown.user.uidName == nil)
    }

    @Test func answersAreCachedAndTheCacheStaysBounded() {
        nonisolated(unsafe) var lookups = 0
        var names = LocalUserNames(capacity: 8, user: { lookups += 1; return "user\($0)" }, group: { _ in nil })
        for _ in 0..<3 {
            for uid in UInt32(1000)..<1004 { #expect(names.userName(uid) == "user\(uid)") }
        }
        #expect(lookups == 4, "repeated uids come from the cache")
        for uid in UInt32(0)..<100 { _ = names.userName(uid) }
        #expect(lookups == 104)
        // Past capacity the cache starts over instead of growing; the newest answer is kept.
        #expect(names.cachedUsers <= 8)
        _ = names.userName(99)
        #expect(lookups == 104)
    }
}
