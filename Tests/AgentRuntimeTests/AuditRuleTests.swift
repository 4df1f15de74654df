import CLinuxAudit
import Testing

@testable import AgentRuntime

@Suite struct AuditRuleTests {
    let parser = AuditRuleParser(machine: .x86_64, isDirectory: { $0 == "/etc/ssh" || $0 == "/root/.ssh" })

    func rule(_ line: String, parser: AuditRuleParser? = nil) throws -> AuditRule {
        guard case .add(let rule) = try (parser ?? self.parser).parse(line: line) else {
            Issue.record("not a rule: \(line)")
            return AuditRule()
        }
        return rule
    }

    /// Canonical lines: parse → encode → decode → format gives the same text.
    static let canonical = [
        "-a always,exit -F arch=b64 -S execve -F key=exec",
        "-a always,exit -F arch=b32 -S execve -F key=exec32",
        "-a always,exit -F arch=b64 -S connect,accept,bind,listen,accept4 -F key=net",
        "-a never,exit -F arch=b64 -S all -F auid=-1",
        "-a always,exit -F arch=b64 -S openat -F exit=-EACCES -F auid>=1000 -F auid!=-1 -F key=denied",
        "-a always,exit -F arch=b64 -S execve -F uid<1000 -F euid=0 -F success=1",
        "-a always,exit -F arch=b64 -S execve -F a0&4 -F a1&=2 -F uid<=10 -F uid>5",
        "-A always,exit -F arch=b64 -S execve -F key=first",
        "-a always,exit -S all -F path=/etc/shadow -F perm=wa -F uid=0",
        "-a always,exit -F arch!=b32 -S all -F dir=/var/www -F key=web",
        "-w /etc/ssh -p wa -k sshd",
        "-w /etc/sudoers -p rwxa -k sudoers",
        "-w /usr/bin/passwd -p x",
        "-a always,exclude -F msgtype=1305",
        "-a never,user -F uid=0",
    ]

    @Test(arguments: canonical)
    func roundTripThroughRuleData(line: String) throws {
        let parsed = try rule(line)
        var decoded = try AuditRule(ruleData: parsed.ruleData())
        #expect(decoded.prepend == parsed.prepend)
        #expect(decoded.auditctlText(machine: .x86_64) == line)
        decoded.prepend = parsed.prepend
        #expect(decoded == parsed)
    }

    @Test func aarch64Tables() throws {
        let arm = AuditRuleParser(machine: .aarch64)
        let parsed = try rule("-a always,exit -F arch=b64 -S execve,connect -F key=k", parser: arm)
        #expect(parsed.syscalls == [203, 221])
        #expect(parsed.arch == 0xC000_00B7)
        #expect(parsed.auditctlText(machine: .aarch64) == "-a always,exit -F arch=b64 -S connect,execve -F key=k")
        #expect(try rule("-a always,exit -F arch=b32 -S execve,connect", parser: arm).syscalls == [11, 283])
        #expect(throws: AuditRuleSyntaxError.self) { try arm.parse(line: "-a always,exit -F arch=b32 -S openat2") }
    }

    @Test func encodesKernelLayout() throws {
        let data = try rule("-a always,exit -F arch=b64 -S execve -S connect -k exec").ruleData()
        #expect(data.count == Int(herdwatch_audit_rule_data_size()) + 4)
        #expect(data.loadHost(UInt32.self, at: 0) == UInt32(AUDIT_FILTER_EXIT))
        #expect(data.loadHost(UInt32.self, at: 4) == UInt32(AUDIT_ALWAYS))
        #expect(data.loadHost(UInt32.self, at: 8) == 2)
        #expect(data.loadHost(UInt32.self, at: 12 + 4 * 1) == (1 << (59 - 32)) | (1 << (42 - 32)))
        #expect(data.loadHost(UInt32.self, at: 268) == UInt32(AUDIT_ARCH))
        #expect(data.loadHost(UInt32.self, at: 524) == 0xC000_003E)
        #expect(data.loadHost(UInt32.self, at: 780) == UInt32(AUDIT_EQUAL))
        #expect(data.loadHost(UInt32.self, at: 272) == UInt32(AUDIT_FILTERKEY))
        #expect(data.loadHost(UInt32.self, at: 528) == 4)
        #expect(data.loadHost(UInt32.self, at: 1036) == 4)
        #expect(Array(data.suffix(4)) == Array("exec".utf8))
    }

    @Test func operatorsMatchHeader() {
        #expect(AuditField.Comparison.equal.rawValue == UInt32(AUDIT_EQUAL))
        #expect(AuditField.Comparison.notEqual.rawValue == UInt32(AUDIT_NOT_EQUAL))
        #expect(AuditField.Comparison.lessThan.rawValue == UInt32(AUDIT_LESS_THAN))
        #expect(AuditField.Comparison.greaterThan.rawValue == UInt32(AUDIT_GREATER_THAN))
        #expect(AuditField.Comparison.lessThanOrEqual.rawValue == herdwatch_audit_less_than_or_equal())
        #expect(AuditField.Comparison.greaterThanOrEqual.rawValue == herdwatch_audit_greater_than_or_equal())
        #expect(AuditField.Comparison.bitMask.rawValue == UInt32(AUDIT_BIT_MASK))
        #expect(AuditField.Comparison.bitTest.rawValue == herdwatch_audit_bit_test())
    }

    @Test func watchesBecomeDirOrPathFields() throws {
        let dir = try rule("-w /etc/ssh/ -p wa -k sshd")
        #expect(dir.fields.map(\.kind) == [.dir, .perm, .key])
        #expect(dir.allSyscalls && dir.isWatch)
        let file = try rule("-w /etc/sudoers -k sudo")
        #expect(file.fields == [AuditField(.path, .equal, .string("/etc/sudoers")), AuditField(.perm, .equal, .number(15)), AuditField(.key, .equal, .string("sudo"))])
        #expect(file.auditctlText(machine: .x86_64) == "-w /etc/sudoers -p rwxa -k sudo")
    }

    @Test func aliasesNormalise() throws {
        #expect(try rule("-a exit,always -S execve -F arch=b64 -k x").auditctlText(machine: .x86_64) == "-a always,exit -F arch=b64 -S execve -F key=x")
        #expect(try rule("-a always,exit -F arch=b64 -S 59").auditctlText(machine: .x86_64) == "-a always,exit -F arch=b64 -S execve")
        #expect(try rule("-a always,exit -S all -F path=/etc/shadow -F perm=wa").auditctlText(machine: .x86_64) == "-w /etc/shadow -p wa")
        #expect(try rule("-a always,exit -F path=/etc/shadow -F perm=wa -k s").auditctlText(machine: .x86_64) == "-w /etc/shadow -p wa -k s")
        #expect(try rule("-a always,exit -F auid=-1 -F path=/x").fields[0].value == .number(UInt32.max))
    }

    @Test func fileSkipsCommentsAndBlankLines() throws {
        let commands = try parser.parse(file: "# rules\n\n-D\n  -a always,exit -F arch=b64 -S execve -k exec  \n")
        #expect(commands.count == 2)
        #expect(commands[0] == .deleteAll)
    }

    static let bad: [(String, AuditRuleSyntaxError.Code, String)] = [
        ("-a always,exit -S exceve", .unknownSyscall, "unknown syscall 'exceve'"),
        ("-a always -S execve", .invalidActionList, "action,list"),
        ("-a sometimes,exit -S execve", .invalidActionList, "sometimes"),
        ("-a always,exit -F colour=red", .unknownField, "unknown field 'colour'"),
        ("-a always,exit -F uid~3", .invalidOperator, "uid~3"),
        ("-a always,exit -F uid=bob", .invalidValue, "'bob'"),
        ("-a always,exit -F key<x", .invalidOperator, "key only takes"),
        ("-a always,exit -F dir=relative/path", .invalidValue, "absolute path"),
        ("-w /etc/ssh -p rwz", .invalidValue, "perm 'rwz'"),
        ("-w /etc/ssh -S execve", .conflictingOptions, "-w cannot be combined"),
        ("-S execve -F arch=b64", .missingRule, "needs -a"),
        ("-a always,exit -S", .missingArgument, "-S needs an argument"),
        ("-e 2", .unsupportedOption, "'-e'"),
        ("-D -k x", .conflictingOptions, "-D takes no other options"),
        ("-a always,task -S execve", .conflictingOptions, "exit list"),
        ("-a always,exit -k a -k b", .conflictingOptions, "more than one key"),
        ("-a always,exit -F arch=b64 -S 9999", .unknownSyscall, "'9999'"),
        ("-a always,exit -F !", .invalidOperator, "'!'"),
    ]

    @Test(arguments: bad)
    func rejectsBadLinesNamingTheLine(line: String, code: AuditRuleSyntaxError.Code, fragment: String) {
        let file = "# header\n\n" + line + "\n"
        do {
            _ = try parser.parse(file: file)
            Issue.record("accepted: \(line)")
        } catch {
            #expect(error.code == code, "\(line)")
            #expect(error.line == 3)
            #expect(error.description.hasPrefix("line 3: "))
            #expect(error.description.contains(fragment), "\(error.description)")
        }
    }

    @Test func rejectsMalformedRuleData() throws {
        let good = try rule("-a always,exit -F arch=b64 -S execve -k exec").ruleData()
        #expect(throws: NetlinkFrameError.self) { try AuditRule(ruleData: Array(good.dropLast())) }
        var badCount = good
        badCount.storeHost(UInt32(65), at: 8)
        #expect(throws: NetlinkFrameError.self) { try AuditRule(ruleData: badCount) }
        var badLength = good
        badLength.storeHost(UInt32(400), at: 528)
        #expect(throws: NetlinkFrameError.self) { try AuditRule(ruleData: badLength) }
        var badList = good
        badList.storeHost(UInt32(9), at: 0)
        #expect(throws: NetlinkFrameError.self) { try AuditRule(ruleData: badList) }
    }
}

@Suite struct DefaultRulesFileTests {
    /// ops/audit.rules parses for both machines, every rule has a key, and each rule's text
    /// survives the trip through `struct audit_rule_data`.
    @Test(arguments: AuditMachine.allCases)
    func defaultRulesParse(machine: AuditMachine) throws {
        let root = String(#filePath.split(separator: "/Tests/").first!)
        let text = try AuditRuleFile.readText(path: root + "/ops/audit.rules")
        let commands = try AuditRuleParser(machine: machine).parse(file: text)
        #expect(commands.first == .deleteAll)
        let rules = commands.compactMap { if case .add(let rule) = $0 { rule } else { nil } }
        #expect(rules.count > 10)
        for rule in rules {
            #expect(rule.key?.hasPrefix("herdwatch-") == true, "\(rule.auditctlText(machine: machine))")
            let decoded = try AuditRule(ruleData: rule.ruleData())
            #expect(decoded.auditctlText(machine: machine) == rule.auditctlText(machine: machine))
        }
    }
}

@Suite struct AuditctlListingTests {
    /// `auditctl -l` output (audit 3.0.9, Debian 12) for rules loaded here: every line parses
    /// back to the same text, so our listing matches auditctl's line for line.
    static let listed = [
        "-a always,exit -F arch=b64 -S execve,execveat -F key=k",
        "-a always,exit -F arch=b32 -S execve -F key=k",
        "-a never,exit -F arch=b64 -S connect -F exit=-ENOENT -F key=k",
        "-a always,exit -F arch=b64 -S openat -F exit=-EACCES -F auid>=1000 -F auid!=-1 -F key=k",
        "-a always,exit -F arch=b64 -S bind,listen -F uid=0 -F euid!=5 -F success=1 -F key=k",
        "-a always,exit -F arch=b64 -S all -F dir=/etc/ssh -F perm=wa -F key=k",
        "-w /etc/ssh -p wa -k k",
        "-w /etc/passwd -p wa -k k",
        "-w /usr/bin/passwd -p x -k k",
    ]

    @Test(arguments: listed)
    func auditctlListingRoundTrips(line: String) throws {
        let parser = AuditRuleParser(machine: .x86_64, isDirectory: { $0 == "/etc/ssh" })
        guard case .add(let rule) = try parser.parse(line: line) else { Issue.record("not a rule"); return }
        #expect(try AuditRule(ruleData: rule.ruleData()).auditctlText(machine: .x86_64) == line)
    }
}
