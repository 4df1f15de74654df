import FleetModel
import Testing

@testable import Redaction

@Suite struct HostileInputTests {
    @Test func degenerateArguments() {
        let odd = [
            "", "=", "==", "PASSWORD=", "PASSWORD=\"", "PASSWORD='", "x=''", "://", "a://", "a://@", "a://:@", "a://u:@h",
            "a://u:p", "Bearer", "Bearer ", "bearer\t", "AKIA", "AKIAIOSFODNN7EXAMPL", "-p", "--", "---password=",
            "%FF%FE%25", "\u{0}", "é=é", "TOKEN=\u{1F600}", "{\"password\":", "\"password\"", "password:",
        ]
        for arg in odd {
            var e = event(["mysql", arg, arg, "--password", arg])
            _ = redactor.redact(&e)
            #expect(e.process.argv.count == 5)
        }
        var empty = AuditEvent(timestampMilliseconds: 0, serial: 0)
        #expect(redactor.redact(&empty) == 0)
        var blank = event([""], proctitle: "")
        #expect(redactor.redact(&blank) == 0)
        #expect(redactor.redact(&blank) == 0)
    }

    /// Found by the random tests: a marker's `:` looked like a URL password separator, the
    /// space after `Bearer` hid a shell script from the word pass, and a bare `[REDACTED:`
    /// prefix shielded a value.
    @Test func markersNeverMakeNewMatches() {
        for argv in [
            ["sh", "x://_TOKEN=hunter2;@h"], ["curl", "x://AKIAIOSFODNN7EXAMPLE@h"], ["sh", "--token=|Bearer -c/usr/bin/x"],
        ] {
            var e = event(argv)
            _ = redactor.redact(&e)
            let once = e
            #expect(redactor.redact(&e) == 0, "\(argv)")
            #expect(e == once)
        }
        #expect(redacted(["tool", "--password=[REDACTED:hunter2"]) == (["tool", "--password=\(m("[REDACTED:hunter2"))"], 1))
        #expect(redacted(["tool", "--password", m("x")]) == (["tool", "--password", m("x")], 0))
    }

    @Test func percentEscapedBytesAreKeptAround() {
        #expect(redacted(["env", "A_TOKEN=%FF%00x"]) == (["env", "A_TOKEN=\(m("%FF%00x"))"], 1))
        #expect(redacted(["x", "%FFPASSWORD=y z"]) == (["x", "%FFPASSWORD=\(m("y")) z"], 1))
    }

    @Test func hugeAndRepetitiveInputStaysLinear() {
        let many = String(repeating: "PASSWORD=x ", count: 20_000)
        var (argv, count) = redacted(["sh", "-c", many])
        #expect(count == 20_000)
        #expect(argv[2].hasPrefix("PASSWORD=\(m("x")) PASSWORD="))
        let urls = String(repeating: "a://", count: 50_000) + String(repeating: ":", count: 50_000)
        (argv, count) = redacted(["curl", urls])
        #expect(count == 0 && argv[1] == urls)
        let quote = "PASSWORD=\"" + String(repeating: "y", count: 1 << 20)
        (argv, count) = redacted(["sh", "-c", quote])
        #expect(count == 1)
        let words = String(repeating: "ab_", count: 300_000)
        (argv, count) = redacted(["echo", words])
        #expect(count == 0)
        let longArgv = (0..<100_000).map { "arg\($0)" }
        (argv, count) = redacted(longArgv + ["--password"])
        #expect(count == 0 && argv.count == 100_001)
    }

    /// Not a timing assertion: 100,000 events of a typical mix, so a slow path shows as a slow test.
    @Test func manyEvents() {
        let shapes: [[String]] = [
            ["/usr/bin/ls", "-la", "/var/log"],
            ["/usr/bin/python3", "-m", "pip", "install", "--user", "requests==2.31.0"],
            ["/bin/sh", "-c", "cd /srv/app && exec gunicorn app:wsgi --bind 0.0.0.0:8000 --workers 4"],
            ["/usr/bin/curl", "-fsSL", "https://example.com/install.sh?version=1.2.3&arch=x86_64"],
            ["/usr/bin/mysql", "-uapp", "-psecret", "-h", "db.internal", "shop"],
            ["/usr/bin/env", "PGPASSWORD=pw", "psql", "postgres://app:pw@db/app"],
        ]
        var redactions = 0
        for k in 0..<100_000 {
            let argv = shapes[k % shapes.count]
            var e = event(argv, proctitle: argv.joined(separator: " "))
            redactions += redactor.redact(&e)
        }
        #expect(redactions > 0)
    }
}
