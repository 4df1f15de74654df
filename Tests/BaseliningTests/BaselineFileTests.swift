import Baselining
import Testing

@Suite struct BaselineFileTests {
    func sample() -> Baseline {
        var rows: [TermObservation] = []
        for host in 1...8 {
            rows.append(obs(.exec, "/usr/sbin/nginx", host: Int64(host), days: 0...6))
            rows.append(obs(.lineage, "/usr/lib/systemd/systemd -> /usr/sbin/nginx", host: Int64(host), days: 0...6))
            rows.append(obs(.listen, "443/tcp /usr/sbin/nginx", host: Int64(host), days: 0...6))
        }
        rows.append(obs(.connect, "198.51.100.77:3333/tcp /var/tmp/.cache/kthreadd", host: 3, days: 0...6))
        rows.append(obs(.exec, "/tmp/we\"ird\\name\u{1b}[31m", host: 3, days: 0...1))
        return Learner().learn(role: "web", firstDay: day0, endDay: day0 + 7, observations: rows, accepted: [Term(.login, "alice@10.0.100.0/24")])
    }

    @Test func golden() {
        let text = BaselineFile.render(sample(), version: 12)
        let expected = #"""
            # Herdwatch baseline: one term per line, sorted. Prevalence is bucketed (hosts showing
            # the term / hosts of the role; days seen). Review changes like code, then load with
            # `herdwatch baseline import FILE`. Terms are data from hosts, never commands.
            role: web
            version: 12
            window: 2026-11-14/2026-11-21
            hosts: 8
            admitted:
              exec:
                - {term: "/usr/sbin/nginx", hosts: 8/8, days: 7+}
              lineage:
                - {term: "/usr/lib/systemd/systemd -> /usr/sbin/nginx", hosts: 8/8, days: 7+}
              listen:
                - {term: "443/tcp /usr/sbin/nginx", hosts: 8/8, days: 7+}
              login:
                - {term: "alice@10.0.100.0/24", origin: accepted}
            held_back:
              exec:
                - {term: "/tmp/we\"ird\\name\u001b[31m", hosts: 1/8, days: 2}
              connect:
                - {term: "198.51.100.77:3333/tcp /var/tmp/.cache/kthreadd", hosts: 1/8, days: 7+}

            """#
        #expect(text == expected)
    }

    @Test func renderIsDeterministicAndRoundTrips() throws {
        let first = BaselineFile.render(sample(), version: 12)
        #expect(BaselineFile.render(sample(), version: 12) == first)
        let parsed = try BaselineFile.parse(first)
        #expect(parsed.version == 12)
        #expect(parsed.baseline.admitted == sample().admitted)
        #expect(parsed.baseline.heldBack == sample().heldBack)
        #expect(BaselineFile.render(parsed.baseline, version: 12) == first)
    }

    @Test func largeRolesBucketHosts() {
        #expect(BaselineFile.render(
            Baseline(role: "big", firstDay: day0, endDay: day0 + 14, roleHosts: 50, entries: [
                .init(term: Term(.exec, "/a"), status: .admitted, origin: .observed,
                      prevalence: Prevalence(hosts: 47, roleHosts: 50, days: 13, windowDays: 14, count: 1)),
            ]), version: nil).contains(#"- {term: "/a", hosts: 90%+/50, days: 7+}"#))
    }

    @Test func parseErrorsNameTheLine() {
        #expect(throws: BaselineFileError.self) { try BaselineFile.parse("role: web\nwindow: 2026-11-14/2026-11-21\nadmitted:\n  exec:\n    - {term: unquoted}\n") }
        do {
            _ = try BaselineFile.parse("role: web\nbogus: 1\n")
        } catch {
            #expect(error.line == 2)
        }
    }
}
