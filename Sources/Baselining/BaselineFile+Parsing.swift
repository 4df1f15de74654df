extension BaselineFile {
    /// A parsed file: the baseline and the version id its header named.
    public struct Parsed: Sendable, Hashable {
        public var baseline: Baseline
        public var version: Int64?
        public var hostExceptions: [HostException] = []
    }

    /// Reads the layout ``render(_:version:)`` writes. Comments and blank lines are ignored.
    /// - Throws: ``BaselineFileError`` with the line number of the first line it cannot read.
    public static func parse(_ text: String) throws(BaselineFileError) -> Parsed {
        var role: String?
        var version: Int64?
        var window: (Int, Int)?
        var roleHosts = 0
        var status: Baseline.Status?
        var kind: TermKind?
        var entries: [Baseline.Entry] = []
        var exceptions: [HostException] = []
        var inExceptions = false
        var exceptionHost: String?
        var number = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let trimmed = line.drop { $0 == " " }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let indent = line.count - trimmed.count
            func fail(_ reason: String) -> BaselineFileError { BaselineFileError(line: number, reason: reason) }
            switch indent {
            case 0:
                guard let colon = trimmed.firstIndex(of: ":") else { throw fail("expected `key: value`") }
                let key = trimmed[..<colon]
                let value = trimmed[trimmed.index(after: colon)...].drop { $0 == " " }
                switch key {
                case "role": role = String(value)
                case "version": version = Int64(value)
                case "hosts":
                    guard let n = Int(value) else { throw fail("hosts must be a number") }
                    roleHosts = n
                case "window":
                    let parts = value.split(separator: "/")
                    guard parts.count == 2, let a = CivilDate(parsing: parts[0]), let b = CivilDate(parsing: parts[1]) else {
                        throw fail("window must be FIRST/END dates, e.g. 2026-11-14/2026-11-21")
                    }
                    window = (a.daysSinceEpoch, b.daysSinceEpoch)
                case "admitted", "held_back":
                    status = Baseline.Status(rawValue: String(key))
                    kind = nil
                    inExceptions = false
                case "host_exceptions":
                    status = nil
                    inExceptions = true
                default: throw fail("unknown key \(String(reflecting: String(key.prefix(40))))")
                }
            case 2 where inExceptions:
                guard trimmed.hasSuffix(":"), let host = unquoted(trimmed.dropLast()) else {
                    throw fail("expected a quoted host name under host_exceptions")
                }
                exceptionHost = host
            case 4 where inExceptions:
                guard let host = exceptionHost, trimmed.hasPrefix("- {kind: "), trimmed.hasSuffix("}"),
                      let comma = trimmed.firstIndex(of: ","),
                      let k = TermKind(rawValue: String(trimmed[trimmed.index(trimmed.startIndex, offsetBy: 9)..<comma])),
                      let entry = parseEntry(trimmed[trimmed.index(after: comma)...].drop { $0 == " " }.dropLast(), kind: k,
                                             status: .admitted, roleHosts: roleHosts) else {
                    throw fail("expected `- {kind: KIND, term: \"…\"}` under a host")
                }
                exceptions.append(HostException(host: host, term: entry.term))
            case 2:
                guard status != nil, trimmed.hasSuffix(":"), let k = TermKind(rawValue: String(trimmed.dropLast())) else {
                    throw fail("expected a term kind (exec, lineage, connect, listen, login) under admitted or held_back")
                }
                kind = k
            case 4:
                guard let status, let kind else { throw fail("a term must be under a status and a kind") }
                guard trimmed.hasPrefix("- {"), trimmed.hasSuffix("}") else { throw fail("expected `- {term: \"…\", …}`") }
                guard let entry = parseEntry(trimmed.dropFirst(3).dropLast(), kind: kind, status: status, roleHosts: roleHosts) else {
                    throw fail("cannot read this term line")
                }
                entries.append(entry)
            default:
                throw fail("unexpected indentation")
            }
        }
        guard let role else { throw BaselineFileError(line: 0, reason: "no role: line") }
        guard let window else { throw BaselineFileError(line: 0, reason: "no window: line") }
        let baseline = Baseline(role: role, firstDay: window.0, endDay: window.1, roleHosts: roleHosts, entries: entries)
        return Parsed(baseline: baseline, version: version, hostExceptions: exceptions)
    }

    /// A double-quoted string with the escapes ``quoted(_:)`` writes.
    static func unquoted(_ text: Substring) -> String? {
        guard let entry = parseEntry("term: " + text, kind: .exec, status: .admitted, roleHosts: 0) else { return nil }
        return entry.term.value
    }

    static func parseEntry(_ body: Substring, kind: TermKind, status: Baseline.Status, roleHosts: Int) -> Baseline.Entry? {
        var rest = body
        guard rest.hasPrefix("term: \"") else { return nil }
        rest = rest.dropFirst(7)
        var value = ""
        var scalars = rest.unicodeScalars[...]
        var closed = false
        while let s = scalars.popFirst() {
            if s == "\"" { closed = true; break }
            guard s == "\\" else { value.unicodeScalars.append(s); continue }
            guard let e = scalars.popFirst() else { return nil }
            switch e {
            case "\"": value += "\""
            case "\\": value += "\\"
            case "u":
                guard scalars.count >= 4 else { return nil }
                let hex = String(String.UnicodeScalarView(scalars.prefix(4)))
                scalars = scalars.dropFirst(4)
                guard let code = UInt32(hex, radix: 16), let u = Unicode.Scalar(code) else { return nil }
                value.unicodeScalars.append(u)
            default: return nil
            }
        }
        guard closed else { return nil }
        var hosts: Int?, total: Int?, days: Int?
        var origin = Baseline.Origin.imported
        for field in Substring(String(String.UnicodeScalarView(scalars))).split(separator: ",") {
            let pair = field.split(separator: ":", maxSplits: 1).map { $0.trimmingSpaces }
            guard pair.count == 2 else { return nil }
            switch pair[0] {
            case "hosts":
                let parts = pair[1].split(separator: "/")
                guard parts.count == 2, let m = Int(parts[1]) else { return nil }
                total = m
                if parts[0].hasSuffix("%+") {
                    guard let pct = Int(parts[0].dropLast(2)) else { return nil }
                    hosts = (pct * m + 99) / 100
                } else {
                    guard let n = Int(parts[0]) else { return nil }
                    hosts = n
                }
            case "days":
                guard let n = Int(pair[1].hasSuffix("+") ? pair[1].dropLast() : pair[1]) else { return nil }
                days = n
            case "origin":
                guard let o = Baseline.Origin(rawValue: String(pair[1])) else { return nil }
                origin = o
            default: return nil
            }
        }
        let prevalence = hosts.map { Prevalence(hosts: $0, roleHosts: total ?? roleHosts, days: days ?? 0, windowDays: 0, count: 0) }
        return Baseline.Entry(term: Term(kind, value), status: status, origin: origin, prevalence: prevalence)
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        let start = drop { $0 == " " }
        var end = start
        while end.last == " " { end = end.dropLast() }
        return end
    }
}

/// A baseline file line that ``BaselineFile/parse(_:)`` cannot read.
public struct BaselineFileError: Error, Sendable, CustomStringConvertible {
    /// 1-based; 0 for a problem with the whole file.
    public let line: Int
    public let reason: String
    public var description: String { line > 0 ? "line \(line): \(reason)" : reason }
}
