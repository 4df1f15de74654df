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

@Suite struct BaselineFileHostExceptionTests {
    @Test func hostExceptionsAreWrittenAfterTheBaselineAndReadBack() throws {
        let baseline = Baseline(role: "web", firstDay: 20_770, endDay: 20_777, roleHosts: 2, entries: [
            Baseline.Entry(term: Term(.exec, "/usr/sbin/nginx"), status: .admitted, origin: .observed,
                           prevalence: Prevalence(hosts: 2, roleHosts: 2, days: 7, windowDays: 7, count: 10)),
        ])
        let exceptions = [
            BaselineFile.HostException(host: "web-02", term: Term(.listen, "9100/tcp /usr/bin/node_exporter")),
            BaselineFile.HostException(host: "web-01", term: Term(.exec, "/opt/\"odd\"\u{1b}path")),
        ]
        let text = BaselineFile.render(baseline, version: 4, hostExceptions: exceptions)
        #expect(text.contains("host_exceptions:\n  \"web-01\":\n    - {kind: exec, term: \"/opt/\\\"odd\\\"\\u001bpath\"}\n"))
        let parsed = try BaselineFile.parse(text)
        #expect(parsed.baseline.admitted == baseline.admitted)
        #expect(Set(parsed.hostExceptions) == Set(exceptions))
    }

    @Test func aMalformedExceptionLineNamesItsLine() {
        let text = "role: web\nwindow: 2026-11-14/2026-11-21\nhost_exceptions:\n  \"web-01\":\n    - {kind: nonsense, term: \"x\"}\n"
        #expect(throws: BaselineFileError.self) { try BaselineFile.parse(text) }
    }
}
