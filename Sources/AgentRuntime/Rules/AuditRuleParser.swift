import AuditCore

/// One line of an audit rules file: add a rule, or delete every rule (`-D`).
public enum AuditRuleCommand: Sendable, Hashable {
    case add(AuditRule)
    case deleteAll
}

/// Reads audit rules written in auditctl(8) syntax, one rule per line as in
/// `/etc/audit/rules.d/*.rules`: `-a`/`-A action,list`, `-S`, `-F`, `-k`, `-w path -p rwxa -k key`,
/// `-D`. Blank lines and lines starting with `#` are skipped; tokens are separated by
/// whitespace (auditctl has no quoting either).
///
/// Parsing is pure: the machine (which `b64`/`b32` and syscall table apply) and whether a
/// watched path is a directory (`-w` becomes `dir=` then, `path=` otherwise, as auditctl
/// decides with stat(2)) are passed in.
///
/// ```swift
/// let parser = AuditRuleParser(machine: .x86_64)
/// let commands = try parser.parse(file: "-w /etc/ssh -p wa -k ssh\n")
/// ```
public struct AuditRuleParser: Sendable {
    public var machine: AuditMachine
    public var isDirectory: @Sendable (String) -> Bool

    public init(machine: AuditMachine = .host, isDirectory: @escaping @Sendable (String) -> Bool = { _ in false }) {
        self.machine = machine
        self.isDirectory = isDirectory
    }

    /// Parses a whole rules file.
    /// - Throws: ``AuditRuleSyntaxError`` for the first line that is not valid, naming its number.
    public func parse(file text: String) throws(AuditRuleSyntaxError) -> [AuditRuleCommand] {
        var commands: [AuditRuleCommand] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let command = try parse(line: String(line), number: index + 1) { commands.append(command) }
        }
        return commands
    }

    /// Parses one line; `nil` for a blank line or a comment.
    /// - Parameter number: the 1-based line number errors name.
    /// - Throws: ``AuditRuleSyntaxError``.
    public func parse(line: String, number: Int = 1) throws(AuditRuleSyntaxError) -> AuditRuleCommand? {
        let tokens = line.split(whereSeparator: \.isWhitespace).map(String.init)
        guard let first = tokens.first, !first.hasPrefix("#") else { return nil }
        func fail(_ code: AuditRuleSyntaxError.Code, _ message: String) -> AuditRuleSyntaxError {
            AuditRuleSyntaxError(code, line: number, message, text: line)
        }
        if first == "-D" {
            guard tokens.count == 1 else { throw fail(.conflictingOptions, "-D takes no other options") }
            return .deleteAll
        }
        var actionList: (String, String)?
        var watch: String?
        var permissions: String?
        var syscallNames: [String] = []
        var rawFields: [(name: String, op: String, value: String)] = []
        var index = 0
        while index < tokens.count {
            let option = tokens[index]
            guard ["-a", "-A", "-S", "-F", "-k", "-w", "-p"].contains(option) else {
                throw fail(.unsupportedOption, "unsupported option '\(option)'")
            }
            guard index + 1 < tokens.count else { throw fail(.missingArgument, "\(option) needs an argument") }
            let argument = tokens[index + 1]
            index += 2
            switch option {
            case "-a", "-A":
                guard actionList == nil else { throw fail(.conflictingOptions, "more than one -a/-A") }
                let parts = argument.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 2 else { throw fail(.invalidActionList, "\(option) needs action,list, not '\(argument)'") }
                actionList = (parts[0], parts[1])
                if option == "-A" { actionList!.0 = "+" + parts[0] }
            case "-S": syscallNames += argument.split(separator: ",").map(String.init)
            case "-F":
                guard let split = Self.splitComparison(argument) else {
                    throw fail(.invalidOperator, "-F '\(argument)' needs name, operator and value")
                }
                rawFields.append(split)
            case "-k": rawFields.append(("key", "=", argument))
            case "-w":
                guard watch == nil else { throw fail(.conflictingOptions, "more than one -w") }
                watch = argument
            default:
                guard permissions == nil else { throw fail(.conflictingOptions, "more than one -p") }
                permissions = argument
            }
        }
        var rule = AuditRule()
        if let watch {
            guard actionList == nil, syscallNames.isEmpty, rawFields.allSatisfy({ $0.name == "key" }) else {
                throw fail(.conflictingOptions, "-w cannot be combined with -a, -A, -S or -F")
            }
            let path = watch.count > 1 && watch.hasSuffix("/") ? String(watch.dropLast()) : watch
            rawFields.insert((isDirectory(path) ? "dir" : "path", "=", path), at: 0)
            rawFields.insert(("perm", "=", permissions ?? "rwxa"), at: 1)
            rule.allSyscalls = true
        } else {
            guard let (actionText, listText) = actionList else {
                throw fail(.missingRule, "a rule needs -a, -A or -w")
            }
            guard permissions == nil else { throw fail(.conflictingOptions, "-p only applies to -w") }
            rule.prepend = actionText.hasPrefix("+")
            let names = [String(actionText.trimmingPrefix("+")), listText]
            let action = AuditRule.Action.allCases.first { names.contains($0.name) }
            let list = AuditRule.FilterList.allCases.first { names.contains($0.name) }
            guard let actionValue = action, let list, Set(names) == [actionValue.name, list.name] else {
                throw fail(.invalidActionList, "'\(names.joined(separator: ","))' is not action,list (always|never, exit|task|user|exclude|filesystem|io_uring)")
            }
            rule.action = actionValue
            rule.list = list
        }
        for raw in rawFields {
            guard let kind = AuditField.Kind.named(raw.name) else { throw fail(.unknownField, "unknown field '\(raw.name)'") }
            guard let comparison = AuditField.Comparison.allCases.first(where: { $0.symbol == raw.op }) else {
                throw fail(.invalidOperator, "unknown operator '\(raw.op)'")
            }
            if kind.isString || kind == .arch || kind == .perm, comparison != .equal && comparison != .notEqual {
                throw fail(.invalidOperator, "\(kind.name) only takes = or !=")
            }
            do {
                rule.fields.append(AuditField(kind, comparison, try AuditField.parseValue(raw.value, kind: kind, machine: machine)))
            } catch {
                throw fail(.invalidValue, error.reason)
            }
        }
        guard rule.fields.filter({ $0.kind == .key }).count <= 1 else { throw fail(.conflictingOptions, "more than one key") }
        guard rule.fields.count <= AuditRule.maximumFields else { throw fail(.conflictingOptions, "more than \(AuditRule.maximumFields) fields") }
        if !syscallNames.isEmpty {
            guard rule.list == .exit else { throw fail(.conflictingOptions, "-S only applies to the exit list") }
            let arch = rule.arch
            guard let table = machine.syscallTable(arch: arch) else {
                throw fail(.unknownSyscall, "no syscall table for arch \(AuditField.formatValue(.number(arch ?? 0), kind: .arch, machine: machine))")
            }
            var numbers: Set<UInt32> = []
            for name in syscallNames {
                if name == "all" { rule.allSyscalls = true; continue }
                guard let number = SyscallTable.number(arch: table, name: name).map(UInt32.init) ?? UInt32(name),
                    Int(number) < AuditRule.maximumSyscall
                else {
                    throw fail(.unknownSyscall, "unknown syscall '\(name)' for \(arch.map { AuditField.formatValue(.number($0), kind: .arch, machine: machine) } ?? machine.rawValue)")
                }
                numbers.insert(number)
            }
            rule.syscalls = rule.allSyscalls ? [] : numbers.sorted()
        } else if rule.list == .exit {
            rule.allSyscalls = true  // auditctl: an exit rule without -S applies to every syscall
        }
        return .add(rule)
    }

    /// Splits `name<op>value` at the first operator (`!=`, `<=`, `>=`, `&=` before `=`, `<`, `>`, `&`).
    static func splitComparison(_ text: String) -> (name: String, op: String, value: String)? {
        guard let start = text.firstIndex(where: { "=!<>&".contains($0) }) else { return nil }
        let name = String(text[..<start])
        let rest = text[start...]
        guard let op = ["!=", "<=", ">=", "&=", "=", "<", ">", "&"].first(where: { rest.hasPrefix($0) }) else { return nil }
        let value = String(rest.dropFirst(op.count))
        guard !name.isEmpty, !value.isEmpty else { return nil }
        return (name, op, value)
    }
}
