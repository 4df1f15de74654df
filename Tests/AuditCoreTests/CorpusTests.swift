import AuditCore
import FleetModel
import Foundation
import Testing

/// The shared corpus (`shared/corpus`, see its PROVENANCE.md), compared with other parsers'
/// expected output on the fields both have. When the corpus is absent each test prints a note
/// and returns (see `corpusFile`).
@Suite struct CorpusTests {
    static let coalesceFiles = [
        "random-internet", "rhel-7-linux-3.10.0", "ubuntu-16.04-linux-4.13.0", "ubuntu-16.10-linux-4.8.0",
        "ubuntu-17.04-linux-4.10.0", "ubuntu-20.04.6-linux-5.15.0-1034-gcp", "ubuntu-21.10-linux-5.13",
        "ubuntu-24.04-linux-6.8.0",
    ]

    /// go-libaudit `aucoalesce`: one event per YAML test, against its `.json.golden` events.
    @Test(arguments: coalesceFiles)
    func goLibauditEvents(_ name: String) throws {
        guard let yaml = corpusFile("go-libaudit/aucoalesce/testdata/\(name).yaml"),
            let golden = corpusFile("go-libaudit/aucoalesce/testdata/\(name).json.golden")
        else { return }
        let tests = Self.yamlTests(String(decoding: yaml, as: UTF8.self))
        let expected = try JSONSerialization.jsonObject(with: Data(golden)) as! [[String: Any]]
        #expect(tests.count == expected.count)
        for entry in expected {
            let testName = entry["test_name"] as! String
            guard let raw = tests[testName] else {
                Issue.record("\(name): no YAML test \(testName)")
                continue
            }
            let all = events(decode(Array(raw.utf8)).outputs)
            let e = try #require(all.first, "\(testName)")
            let g = entry["event"] as! [String: Any]
            var c = Comparison(context: "\(name) / \(testName)")
            c.check("sequence", g["sequence"], e.serial)
            if let result = g["result"] as? String, result != "unknown" {
                c.check("result", result, e.success.map { $0 ? "success" : "fail" })
            }
            let p = g["process"] as? [String: Any] ?? [:]
            c.check("pid", p["pid"], e.process.pid)
            c.check("ppid", p["ppid"], e.process.ppid)
            c.check("exe", p["exe"], e.process.exe)
            c.check("name", p["name"], e.process.comm)
            c.check("cwd", p["cwd"], e.process.cwd)
            c.check("title", p["title"], e.process.proctitle)
            if let args = p["args"] as? [String] { c.check("args", args.joined(separator: "\u{0}"), e.process.argv.joined(separator: "\u{0}")) }
            let ids = (g["user"] as? [String: Any])?["ids"] as? [String: Any] ?? [:]
            c.check("uid", ids["uid"], e.user.uid)
            c.check("euid", ids["euid"], e.user.euid)
            c.check("gid", ids["gid"], e.user.gid)
            c.check("auid", ids["auid"], e.user.auid)
            if let file = g["file"] as? [String: Any], let path = file["path"] as? String {
                // Several PATH records may name it (mount: one without inode); go-libaudit takes the one with details.
                if let p = e.paths.first(where: { $0.name == path && $0.inode != nil }) {
                    c.check("file.inode", file["inode"], p.inode)
                    if let mode = file["mode"] as? String, let m = p.mode { c.check("file.mode", mode, Self.octal4(m & 0o7777)) }
                } else {
                    c.mismatch("file.path \(path) not among \(e.paths.map(\.name))")
                }
            }
            for issue in c.issues { Issue.record(Comment(rawValue: issue)) }
        }
    }

    /// go-libaudit `auparse`: single records against its per-record `.golden` data.
    @Test(arguments: ["audit-rhel6", "audit-rhel7", "audit-ubuntu14", "audit-ubuntu16", "audit-ubuntu17", "test2", "test3"])
    func goLibauditRecords(_ name: String) throws {
        guard let log = corpusFile("go-libaudit/auparse/testdata/\(name).log"),
            let golden = corpusFile("go-libaudit/auparse/testdata/\(name).log.golden")
        else { return }
        let lines = log.split(separator: 0x0A, omittingEmptySubsequences: true)
        let expected = try JSONSerialization.jsonObject(with: Data(golden)) as! [Any]
        #expect(lines.count == expected.count)
        for (line, entry) in zip(lines, expected) {
            guard let g = entry as? [String: Any] else { continue }  // go-libaudit could not parse it either
            let result = line.withUnsafeBytes { AuditRecordParser.parseLogLine($0) }
            guard case .record(let r) = result else {
                Issue.record("\(name): malformed for us, parsed by go-libaudit: \(String(decoding: line, as: UTF8.self))")
                continue
            }
            let e = AuditEventNormalizer.normalize([r])
            let d = g["data"] as? [String: Any] ?? [:]
            var c = Comparison(context: "\(name) seq \(r.serial) \(r.typeDescription)")
            c.check("sequence", g["sequence"], r.serial)
            c.check("record_type", (g["record_type"] as? String)?.uppercased(), r.typeDescription)
            c.check("pid", d["pid"], e.process.pid)
            c.check("ppid", d["ppid"], e.process.ppid)
            c.check("uid", d["uid"], e.user.uid)
            c.check("auid", d["auid"], e.user.auid)
            c.check("ses", d["ses"], e.user.ses)
            c.check("exe", d["exe"], e.process.exe)
            c.check("comm", d["comm"], e.process.comm)
            c.check("cwd", d["cwd"], e.process.cwd)
            c.check("proctitle", d["proctitle"], e.process.proctitle)
            // Syscall names exist for x86_64 and aarch64 only (SECCOMP on i386 in test3 keeps the number).
            if ["x86_64", "aarch64"].contains(e.syscall?.arch) { c.check("syscall", d["syscall"], e.syscall?.name) }
            c.check("arch", d["arch"], e.syscall?.arch)
            if let u = e.userMessage {
                c.check("op", d["op"], u.op)
                c.check("acct", d["acct"], u.acct)
                c.check("terminal", d["terminal"], u.terminal)
                c.check("addr", d["addr"], u.addr)
                c.check("hostname", d["hostname"], u.hostname)
            }
            if r.type == .execve {
                for (i, arg) in e.process.argv.enumerated() { c.check("a\(i)", d["a\(i)"], arg) }
            }
            if r.type == .path, let p = e.paths.first {
                c.check("name", d["name"], p.name)
                c.check("inode", d["inode"], p.inode)
                c.check("mode", d["mode"], p.mode.map { "0" + String($0, radix: 8) })
                c.check("ouid", d["ouid"], p.ouid)
            }
            if r.type == .sockaddr, let family = d["family"] as? String, ["ipv4", "ipv6", "unix"].contains(family) {
                c.check("family", ["ipv4": "inet", "ipv6": "inet6", "unix": "unix"][family], e.socket?.family)
                c.check("addr", d["addr"], e.socket?.address)
                c.check("port", d["port"], e.socket?.port)
                c.check("path", d["path"], e.socket?.path)
            }
            for issue in c.issues { Issue.record(Comment(rawValue: issue)) }
        }
    }

    /// Filebeat's expected `process.args` for a hex-encoded EXECVE argument.
    @Test func filebeatHexArgument() throws {
        guard let log = corpusFile("elastic-beats/filebeat/module/auditd/log/test/execve-hex-arg.log"),
            let golden = corpusFile("elastic-beats/filebeat/module/auditd/log/test/execve-hex-arg-expected.json")
        else { return }
        let expected = try JSONSerialization.jsonObject(with: Data(golden)) as! [[String: Any]]
        let e = try #require(events(decode(log).outputs).first)
        #expect(e.process.argv == expected[0]["process.args"] as? [String])
        #expect(e.serial == 5538)
    }

    @Test func nodePrefixedLog() throws {
        guard let log = corpusFile("elastic-beats/filebeat/module/auditd/log/test/audit-cent7-node.log") else { return }
        let (out, stats) = decode(log)
        #expect(stats.malformed == 0)
        #expect(stats.events == 10)
        #expect(events(out).allSatisfy { $0.node == "localhost.localdomain" })
        #expect(events(out).filter { $0.kind == .auditConfig }.count == 3)
    }

    /// OTRF Atomic Red Team captures: the commands their metadata names.
    @Test func atomicRedTeamCommands() throws {
        guard let arp = corpusFile("attacks/otrf-security-datasets/sh_arp_cache_2020-11-10074812.log"),
            let dd = corpusFile("attacks/otrf-security-datasets/sh_binary_padding_dd_2020-11-10081941.log")
        else { return }
        let arpEvents = events(decode(arp).outputs).filter { $0.kind == .exec }
        #expect(arpEvents.map(\.process.argv) == [["arp", "-a"], ["grep", "-v", "^?"]])
        let ddEvents = events(decode(dd).outputs).filter { $0.kind == .exec }
        #expect(ddEvents.map(\.process.argv) == [["dd", "if=/dev/zero", "bs=1", "count=1"]])
        #expect(ddEvents.first?.process.exe == "/bin/dd")
        #expect(ddEvents.first?.process.cwd == "/home/wardog")
    }

    /// Every corpus file goes through without a crash, and every line is accounted for.
    @Test func wholeCorpusNeverCrashes() throws {
        guard let dir = corpusDirectory else {
            print("note: shared/corpus not found; skipping")
            return
        }
        let files = FileManager.default.enumerator(atPath: dir.path)!.compactMap { $0 as? String }
        #expect(files.count > 40)
        for file in files where file.hasSuffix(".log") || file.hasSuffix(".yaml") {
            let bytes = Array(try Data(contentsOf: dir.appendingPathComponent(file)))
            let (_, stats) = decode(bytes)
            #expect(stats.records <= bytes.split(separator: 0x0A).count, "\(file)")
        }
    }

    static func octal4(_ v: UInt32) -> String {
        let s = String(v, radix: 8)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }

    /// Reads go-libaudit's `tests: {name: |<lines>}` YAML: literal (`|`) and folded (`>`) block
    /// scalars and comments; nothing else occurs in those files.
    static func yamlTests(_ text: String) -> [String: String] {
        var tests: [String: String] = [:]
        var current: String?
        var folded = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  "), !line.hasPrefix("    "), line.hasSuffix(": |") || line.hasSuffix(": >") {
                var name = String(line.dropFirst(2).dropLast(3))
                if name.hasPrefix("\""), name.hasSuffix("\"") { name = String(name.dropFirst().dropLast()) }
                current = name
                folded = line.hasSuffix(">")
                tests[name] = ""
            } else if line.hasPrefix("    "), let c = current {
                if folded, !tests[c]!.isEmpty { tests[c]!.removeLast(); tests[c]! += " " }
                tests[c]! += line.dropFirst(4) + "\n"
            }
        }
        return tests
    }
}

/// Compares golden values (strings, "unset" for -1 ids) with ours, collecting readable mismatches.
struct Comparison {
    let context: String
    var issues: [String] = []

    mutating func mismatch(_ s: String) { issues.append("\(context): \(s)") }

    mutating func check(_ field: String, _ golden: Any?, _ ours: (any CustomStringConvertible)?) {
        guard let golden else { return }
        var want = "\(golden)"
        let have = ours.map { "\($0)" }
        if want == "unset" { want = "4294967295" }
        if have != want { mismatch("\(field): expected \(want.debugDescription), got \(have.debugDescription)") }
    }
}
