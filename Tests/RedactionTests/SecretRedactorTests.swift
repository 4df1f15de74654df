import FleetModel
import Foundation
import Testing

@testable import Redaction

let testKey = [UInt8](repeating: 7, count: 32)
let redactor = SecretRedactor(key: testKey)

func m(_ secret: String) -> String { redactor.marker(for: secret) }

func event(_ argv: [String], exe: String? = nil, proctitle: String? = nil) -> AuditEvent {
    AuditEvent(
        timestampMilliseconds: 0, serial: 1, kind: .exec,
        process: AuditProcess(exe: exe ?? argv.first.map { "/usr/bin/" + $0 }, argv: argv, proctitle: proctitle)
    )
}

/// Redacts `argv` (with proctitle = argv joined) and returns the new argv and the count.
func redacted(_ argv: [String], exe: String? = nil) -> ([String], Int) {
    var e = event(argv, exe: exe)
    let count = redactor.redact(&e)
    return (e.process.argv, count)
}

@Suite struct OptionRuleTests {
    @Test func longOptionInOneArgument() {
        #expect(redacted(["psql", "--password=hunter2", "-h", "db"]) == (["psql", "--password=\(m("hunter2"))", "-h", "db"], 1))
    }

    @Test func longOptionWithNextArgument() {
        #expect(redacted(["tool", "--token", "abc def", "--verbose"]) == (["tool", "--token", m("abc def"), "--verbose"], 1))
        #expect(redacted(["tool", "--password"]) == (["tool", "--password"], 0))
    }

    @Test func shortOptionsAreScopedByProgram() {
        #expect(redacted(["sshpass", "-p", "hunter2", "ssh", "host"]) == (["sshpass", "-p", m("hunter2"), "ssh", "host"], 1))
        #expect(redacted(["ssh", "-p", "2222", "host"]) == (["ssh", "-p", "2222", "host"], 0))
        #expect(redacted(["mkdir", "-p", "/tmp/x"]) == (["mkdir", "-p", "/tmp/x"], 0))
        #expect(redacted(["redis-cli", "-a", "s3cret", "ping"]) == (["redis-cli", "-a", m("s3cret"), "ping"], 1))
        #expect(redacted(["ldapsearch", "-x", "-w", "pw", "-b", "dc=x"]) == (["ldapsearch", "-x", "-w", m("pw"), "-b", "dc=x"], 1))
        #expect(redacted(["curl", "-u", "bob:pw", "https://x"]) == (["curl", "-u", m("bob:pw"), "https://x"], 1))
        #expect(redacted(["aws", "configure", "set", "aws_secret_access_key", "wJalrXUtnFEMI"])
            == (["aws", "configure", "set", "aws_secret_access_key", m("wJalrXUtnFEMI")], 1))
    }

    @Test func gluedPasswordForMySQLClientsOnly() {
        #expect(redacted(["mysql", "-uroot", "-phunter2", "db"]) == (["mysql", "-uroot", "-p\(m("hunter2"))", "db"], 1))
        // `-p` alone prompts; the next argument is the database.
        #expect(redacted(["mysql", "-p", "db"]) == (["mysql", "-p", "db"], 0))
        #expect(redacted(["ssh", "-p2222", "host"]) == (["ssh", "-p2222", "host"], 0))
        #expect(redacted(["mysqldump", "--password=x", "db"]) == (["mysqldump", "--password=\(m("x"))", "db"], 1))
        // exe resolved to mariadb while typed as mysql, and the other way round.
        #expect(redacted(["mysql", "-pabc"], exe: "/usr/bin/mariadb") == (["mysql", "-p\(m("abc"))"], 1))
        #expect(redacted(["/opt/bin/mariadb", "-pabc"], exe: "/opt/bin/mariadb") == (["/opt/bin/mariadb", "-p\(m("abc"))"], 1))
    }
}

@Suite struct TextRuleTests {
    @Test func assignmentsAnywhereInAnArgument() {
        #expect(redacted(["sh", "-c", "PGPASSWORD=hunter2 psql -h db"])
            == (["sh", "-c", "PGPASSWORD=\(m("hunter2")) psql -h db"], 1))
        #expect(redacted(["env", "DB_SECRET=a", "GITHUB_TOKEN=b", "AWS_SECRET_ACCESS_KEY=c", "run"])
            == (["env", "DB_SECRET=\(m("a"))", "GITHUB_TOKEN=\(m("b"))", "AWS_SECRET_ACCESS_KEY=\(m("c"))", "run"], 3))
        // An argument that starts with the assignment keeps its `;` and quotes: there is no shell.
        #expect(redacted(["env", "APP_PASSWORD=a;b'c"]) == (["env", "APP_PASSWORD=\(m("a;b'c"))"], 1))
        #expect(redacted(["psql", "host=db password='x y' user=app"])
            == (["psql", "host=db password='\(m("x y"))' user=app"], 1))
        #expect(redacted(["env", "PATH=/bin", "HOME=/root", "TOKENS=3"]) == (["env", "PATH=/bin", "HOME=/root", "TOKENS=3"], 0))
    }

    @Test func urlCredentials() {
        #expect(redacted(["psql", "postgres://app:s3cret@db:5432/x"]) == (["psql", "postgres://app:\(m("s3cret"))@db:5432/x"], 1))
        #expect(redacted(["git", "clone", "https://user:p@ss@example.com/r.git"])
            == (["git", "clone", "https://user:\(m("p@ss"))@example.com/r.git"], 1))
        #expect(redacted(["curl", "https://user@example.com/a:b@c"]) == (["curl", "https://user@example.com/a:b@c"], 0))
        #expect(redacted(["curl", "https://example.com/?q=1"]) == (["curl", "https://example.com/?q=1"], 0))
    }

    @Test func awsKeys() {
        #expect(redacted(["tool", "--key-id=AKIAIOSFODNN7EXAMPLE"]) == (["tool", "--key-id=\(m("AKIAIOSFODNN7EXAMPLE"))"], 1))
        #expect(redacted(["tool", "ASIAIOSFODNN7EXAMPLE"]) == (["tool", m("ASIAIOSFODNN7EXAMPLE")], 1))
        #expect(redacted(["tool", "AKIAIOSFODNN7EXAMPLEX", "AKIAiosfodnn7example"]) == (["tool", "AKIAIOSFODNN7EXAMPLEX", "AKIAiosfodnn7example"], 0))
        #expect(redacted(["sh", "-c", "echo aws_secret_access_key = wJalrXUtnFEMI/K7MDENG >> c"])
            == (["sh", "-c", "echo aws_secret_access_key = \(m("wJalrXUtnFEMI/K7MDENG")) >> c"], 1))
        #expect(redacted(["curl", "-d", #"{"user":"bob","password": "hunter2"}"#])
            == (["curl", "-d", #"{"user":"bob","password": "\#(m("hunter2"))"}"#], 1))
        #expect(redacted(["grep", "-r", "password: ", "/etc"]) == (["grep", "-r", "password: ", "/etc"], 0))
    }

    @Test func bearerTokens() {
        #expect(redacted(["curl", "-H", "Authorization: Bearer eyJhbGciOi.J9.x-y_z"])
            == (["curl", "-H", "Authorization: Bearer \(m("eyJhbGciOi.J9.x-y_z"))"], 1))
        #expect(redacted(["echo", "use a bearer token here"]) == (["echo", "use a bearer token here"], 0))
    }
}

@Suite struct EventTests {
    @Test func proctitleMatchingArgvGetsTheSameMarkers() {
        let argv = ["mysql", "-phunter2", "db"]
        var e = event(argv, proctitle: argv.joined(separator: " "))
        #expect(redactor.redact(&e) == 2)
        #expect(e.process.proctitle == "mysql -p\(m("hunter2")) db")
    }

    @Test func truncatedProctitleIsRedactedByWords() {
        var e = event(["sshpass", "-p", "pw", "ssh", "h"], proctitle: "sshpass -p pw ss")
        #expect(redactor.redact(&e) == 2)
        #expect(e.process.proctitle == "sshpass -p \(m("pw")) ss")
        var bare = AuditEvent(timestampMilliseconds: 0, serial: 2, process: AuditProcess(proctitle: "sh -c PGPASSWORD=x psql"))
        #expect(redactor.redact(&bare) == 1)
        #expect(bare.process.proctitle == "sh -c PGPASSWORD=\(m("x")) psql")
    }

    @Test func userMessageFields() {
        var e = AuditEvent(timestampMilliseconds: 0, serial: 3, userMessage: AuditUserMessage(op: "PAM:x DB_PASSWORD=pw", acct: "bob"))
        #expect(redactor.redact(&e) == 1)
        #expect(e.userMessage == AuditUserMessage(op: "PAM:x DB_PASSWORD=\(m("pw"))", acct: "bob"))
    }

    @Test func markersAreKeyedAndStable() {
        let a = m("hunter2")
        #expect(a == m("hunter2"))
        #expect(a != m("hunter3"))
        #expect(a != SecretRedactor(key: [UInt8](repeating: 8, count: 32)).marker(for: "hunter2"))
        #expect(a.utf8.count == 19 && a.hasPrefix("[REDACTED:") && a.hasSuffix("]"))
        #expect(a.dropFirst(10).dropLast().allSatisfy { "0123456789abcdef".contains($0) })
        #expect(redacted(["a", "--password=hunter2"]).0[1] == redacted(["b", "--token", "hunter2"]).0[2].prefixed("--password="))
    }

    @Test func nothingElseChangesAndRedactingTwiceIsANoOp() {
        let benign = ["/usr/bin/python3", "-m", "http.server", "--bind", "127.0.0.1", "8000", "a=b", "https://example.com/x"]
        var e = event(benign, proctitle: benign.joined(separator: " "))
        let before = e
        #expect(redactor.redact(&e) == 0)
        #expect(e == before)
        var s = event(["env", "X_TOKEN=1", "ls", "-la", "PATH=/x"], proctitle: "env X_TOKEN=1 ls -la PATH=/x")
        #expect(redactor.redact(&s) == 2)
        let once = s
        #expect(redactor.redact(&s) == 0)
        #expect(s == once)
        #expect(s.process.argv.count == 5 && s.process.argv[2...] == ["ls", "-la", "PATH=/x"])
    }

    @Test func configuredRules() {
        let config = RedactionConfiguration(
            includeDefaults: false, optionsWithValue: [.init(names: ["-k"], executables: ["mytool"])],
            gluedOptions: [.init(names: ["-P"], executables: ["mycli"])], assignmentSuffixes: ["_CRED"],
            urlCredentials: false, awsAccessKeyIDs: false, bearerTokens: false)
        let custom = SecretRedactor(rules: config.rules, key: testKey)
        var e = event(["mytool", "-k", "s", "MY_CRED=c", "PGPASSWORD=kept", "https://u:p@h"])
        #expect(custom.redact(&e) == 2)
        #expect(e.process.argv == ["mytool", "-k", m("s"), "MY_CRED=\(m("c"))", "PGPASSWORD=kept", "https://u:p@h"])
        var g = event(["mycli", "-Pxyz", "-p1"])
        #expect(custom.redact(&g) == 1)
        #expect(g.process.argv == ["mycli", "-P\(m("xyz"))", "-p1"])
    }
}

extension String {
    func prefixed(_ prefix: String) -> String { prefix + self }
}

@Suite struct ShellCommandTests {
    @Test func commandsInsideAShellScriptAreScopedByTheirOwnProgram() {
        #expect(redacted(["sh", "-c", "cd /srv && mysql -uroot -phunter2 shop"])
            == (["sh", "-c", "cd /srv && mysql -uroot -p\(m("hunter2")) shop"], 1))
        #expect(redacted(["bash", "-c", "tool --password s3 --verbose; ssh -p 22 h"])
            == (["bash", "-c", "tool --password \(m("s3")) --verbose; ssh -p 22 h"], 1))
        #expect(redacted(["sh", "-c", "mkdir -p /x && /usr/bin/sshpass -p pw ssh h"])
            == (["sh", "-c", "mkdir -p /x && /usr/bin/sshpass -p \(m("pw")) ssh h"], 1))
        #expect(redacted(["sh", "-c", "ssh -p2222 h"]) == (["sh", "-c", "ssh -p2222 h"], 0))
    }

    @Test func proctitleOfAShellScriptMatchesArgv() {
        let argv = ["sh", "-c", "mysql -pabc db"]
        var e = event(argv, proctitle: argv.joined(separator: " "))
        #expect(redactor.redact(&e) == 2)
        #expect(e.process.proctitle == "sh -c mysql -p\(m("abc")) db")
    }
}

@Suite struct ConfigurationDecodingTests {
    @Test func snakeCaseKeysAndDefaults() throws {
        let json = """
            {"options_with_value": [{"names": ["--vault-token"]}, {"names": ["-k"], "executables": ["mytool"]}],
             "glued_options": [{"names": ["-P"], "executables": ["mycli"]}], "bearer_tokens": false}
            """
        let config = try JSONDecoder().decode(RedactionConfiguration.self, from: Data(json.utf8))
        #expect(config.includeDefaults && config.urlCredentials && !config.bearerTokens)
        #expect(config.optionsWithValue == [.init(names: ["--vault-token"]), .init(names: ["-k"], executables: ["mytool"])])
        let rules = config.rules
        #expect(!rules.contains(.bearerToken) && rules.contains(.urlCredentials))
        #expect(rules.contains(.gluedOption(name: "-P", executables: ["mycli"])))
        #expect(rules.count == RedactionRule.defaults.count - 1 + 3)
        let empty = try JSONDecoder().decode(RedactionConfiguration.self, from: Data("{}".utf8))
        #expect(empty.rules == RedactionRule.defaults)
    }
}
