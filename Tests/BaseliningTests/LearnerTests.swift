import Baselining
import Testing

/// Days since 1970 for 2026-11-14, the first training day of these tests.
let day0 = 20_771

func obs(_ kind: TermKind, _ value: String, host: Int64, days: ClosedRange<Int>, count: Int64 = 10) -> TermObservation {
    TermObservation(term: Term(kind, value), hostID: host, days: Set(days.map { day0 + $0 }), count: count)
}

@Suite struct LearnerTests {
    @Test func admissionThresholds() {
        let rule = AdmissionRule()
        #expect(rule.requiredHosts(roleHosts: 1) == nil)
        #expect(rule.requiredHosts(roleHosts: 2) == nil)
        #expect(rule.requiredHosts(roleHosts: 3) == 3)
        #expect(rule.requiredHosts(roleHosts: 8) == 3)
        #expect(rule.requiredHosts(roleHosts: 50) == 5)
        #expect(rule.admits(hosts: 1, days: 2, roleHosts: 1, roleDays: 7))
        #expect(!rule.admits(hosts: 1, days: 1, roleHosts: 1, roleDays: 7))
        #expect(rule.admits(hosts: 1, days: 1, roleHosts: 1, roleDays: 1))
        #expect(rule.admits(hosts: 2, days: 1, roleHosts: 2, roleDays: 7))
        #expect(!rule.admits(hosts: 1, days: 1, roleHosts: 2, roleDays: 7))
    }

    @Test func oneHostOfEightEveryDayIsHeldBack() {
        var rows: [TermObservation] = []
        for host in 1...8 { rows.append(obs(.exec, "/usr/sbin/nginx", host: Int64(host), days: 0...6)) }
        rows.append(obs(.exec, "/var/tmp/.cache/kthreadd", host: 3, days: 0...6))
        let b = Learner().learn(role: "worker", firstDay: day0, endDay: day0 + 7, observations: rows, accepted: [])
        #expect(b.admitted == [Term(.exec, "/usr/sbin/nginx")])
        #expect(b.heldBack == [Term(.exec, "/var/tmp/.cache/kthreadd")])
        #expect(b.entries.first { $0.status == .heldBack }?.prevalence == Prevalence(hosts: 1, roleHosts: 8, days: 7, windowDays: 7, count: 10))
    }

    @Test func smallRolesAdmitByDays() {
        let rows = [
            obs(.exec, "/usr/bin/postgres", host: 1, days: 0...6),
            obs(.exec, "/usr/bin/once", host: 1, days: 3...3),
            obs(.exec, "/usr/bin/postgres", host: 2, days: 0...6),
            obs(.exec, "/usr/bin/replica-only", host: 2, days: 0...6),
        ]
        let single = Learner().learn(role: "db", firstDay: day0, endDay: day0 + 7, observations: Array(rows.prefix(2)), accepted: [])
        #expect(single.admitted == [Term(.exec, "/usr/bin/postgres")])
        #expect(single.heldBack == [Term(.exec, "/usr/bin/once")])
        let pair = Learner().learn(role: "db", firstDay: day0, endDay: day0 + 7, observations: rows, accepted: [])
        #expect(pair.admitted == [Term(.exec, "/usr/bin/postgres"), Term(.exec, "/usr/bin/replica-only")])
    }

    @Test func acceptedTermsAreKept() {
        let rows = [obs(.exec, "/usr/bin/a", host: 1, days: 0...6), obs(.exec, "/usr/bin/b", host: 1, days: 0...0)]
        let accepted: Set = [Term(.exec, "/usr/bin/b"), Term(.listen, "9000/tcp /usr/bin/app")]
        let b = Learner().learn(role: "app", firstDay: day0, endDay: day0 + 7, observations: rows, accepted: accepted)
        #expect(Set(b.admitted) == Set([Term(.exec, "/usr/bin/a")]).union(accepted))
        #expect(b.entries.filter { $0.origin == .accepted }.count == 2)
    }

    @Test func manyAddressesOfOneNetworkBecomeOnePrefix() {
        var rows: [TermObservation] = []
        for i in 0..<300 {
            let host = Int64(i % 4 + 1)
            rows.append(obs(.connect, "52.216.\(i / 7).\(i % 250 + 1):443/tcp /usr/bin/python3", host: host, days: (i % 7)...(i % 7)))
        }
        rows.append(obs(.connect, "198.51.100.23:443/tcp /usr/bin/python3", host: 1, days: 6...6))
        rows.append(obs(.connect, "10.1.0.5:5432/tcp /usr/bin/python3", host: 1, days: 0...6))
        for host in 2...4 { rows.append(obs(.connect, "10.1.0.5:5432/tcp /usr/bin/python3", host: Int64(host), days: 0...6)) }
        let b = Learner().learn(role: "web", firstDay: day0, endDay: day0 + 7, observations: rows, accepted: [])
        let prefix = Term(.connect, "52.216.0.0/18:443/tcp /usr/bin/python3")
        #expect(b.admitted == [Term(.connect, "10.1.0.5:5432/tcp /usr/bin/python3"), prefix])
        #expect(b.heldBack == [Term(.connect, "198.51.100.23:443/tcp /usr/bin/python3")])
        #expect(b.entries.first { $0.term == prefix }?.origin == .prefix)
        #expect(b.entries.first { $0.term == prefix }?.prevalence?.hosts == 4)
    }

    @Test func fewAddressesStaySingle() {
        let rows = (1...5).flatMap { a in (1...4).map { h in obs(.connect, "52.216.0.\(a):443/tcp", host: Int64(h), days: 0...6) } }
        let b = Learner().learn(role: "web", firstDay: day0, endDay: day0 + 7, observations: rows, accepted: [])
        #expect(b.admitted.count == 5)
    }

    @Test func digestIgnoresPrevalence() {
        let a = Learner().learn(role: "r", firstDay: day0, endDay: day0 + 7, observations: [obs(.exec, "/a", host: 1, days: 0...6)], accepted: [])
        let b = Learner().learn(role: "r", firstDay: day0 + 1, endDay: day0 + 8, observations: [obs(.exec, "/a", host: 1, days: 1...3, count: 3)], accepted: [])
        #expect(a.termDigest == b.termDigest)
        #expect(a.changes(against: b).added.isEmpty)
    }
}

@Suite struct BacktestTests {
    @Test func prefixesCoverTheirAddressesOnly() {
        let index = BaselineIndex(admitted: [
            Term(.connect, "52.216.0.0/16:443/tcp /usr/bin/aws"), Term(.connect, "[2001:db8::/32]:443/tcp"), Term(.exec, "/usr/bin/aws"),
        ])
        #expect(index.covers(Term(.connect, "52.216.200.7:443/tcp /usr/bin/aws")))
        #expect(!index.covers(Term(.connect, "52.217.0.7:443/tcp /usr/bin/aws")))
        #expect(!index.covers(Term(.connect, "52.216.200.7:443/tcp /usr/bin/curl")))
        #expect(!index.covers(Term(.connect, "52.216.200.7:80/tcp /usr/bin/aws")))
        #expect(index.covers(Term(.connect, "[2001:db8:5::1]:443/tcp")))
        #expect(index.covers(Term(.exec, "/usr/bin/aws")))
    }

    @Test func noveltiesAreOnePerTermWithTheirHosts() {
        let baseline = Learner().learn(role: "web", firstDay: day0, endDay: day0 + 7, observations: (1...4).map {
            obs(.exec, "/usr/sbin/nginx", host: Int64($0), days: 0...6)
        }, accepted: [])
        let test = [
            obs(.exec, "/usr/sbin/nginx", host: 1, days: 7...7),
            obs(.exec, "/tmp/.x/kworkerd", host: 3, days: 7...7, count: 2),
            obs(.exec, "/tmp/.x/kworkerd", host: 1, days: 7...7, count: 1),
        ]
        #expect(Backtest.novelties(baseline, test: test) == [
            Backtest.Novelty(term: Term(.exec, "/tmp/.x/kworkerd"), hostIDs: [1, 3], count: 3, firstDay: day0 + 7),
        ])
    }
}
