/// The reviewable file form of a baseline (`baselines/<role>.yaml`).
///
/// Written in a fixed order (admitted, then held back; kinds in ``TermKind`` order; terms by
/// UTF-8 bytes), one term per line, with prevalence in coarse buckets, so that ordinary
/// retraining changes few lines and a diff reads like a code review:
///
/// ```yaml
/// # Herdwatch baseline …
/// role: web
/// version: 12
/// window: 2026-11-14/2026-11-21
/// hosts: 8
/// admitted:
///   exec:
///     - {term: "/usr/sbin/nginx", hosts: 8/8, days: 7+}
///   connect:
///     - {term: "52.216.0.0/16:443/tcp /usr/bin/python3.11", hosts: 8/8, days: 7+, origin: prefix}
/// held_back:
///   connect:
///     - {term: "198.51.100.77:3333/tcp /var/tmp/.cache/kthreadd", hosts: 1/8, days: 7+}
/// ```
///
/// The file is YAML, but ``parse(_:)`` reads only this layout (the codec stays free of a YAML
/// library); terms are always double-quoted with JSON-compatible escapes, since they are host data.
public enum BaselineFile {
    /// The baseline as file text. `version` is the stored version id, written in the header.
    ///
    /// `hostExceptions` are the terms accepted in triage for single hosts (`findings accept
    /// --scope host`): not part of the role's baseline, listed so a reviewer sees them.
    public static func render(_ baseline: Baseline, version: Int64?, hostExceptions: [HostException] = []) -> String {
        var out = """
            # Herdwatch baseline: one term per line, sorted. Prevalence is bucketed (hosts showing
            # the term / hosts of the role; days seen). Review changes like code, then load with
            # `herdwatch baseline import FILE`. Terms are data from hosts, never commands.

            """
        out += "role: \(baseline.role)\n"
        if let version { out += "version: \(version)\n" }
        out += "window: \(CivilDate(day: baseline.firstDay))/\(CivilDate(day: baseline.endDay))\n"
        out += "hosts: \(baseline.roleHosts)\n"
        for status in [Baseline.Status.admitted, .heldBack] {
            out += "\(status.rawValue):\n"
            for kind in TermKind.allCases {
                let entries = baseline.entries.filter { $0.status == status && $0.term.kind == kind }
                guard !entries.isEmpty else { continue }
                out += "  \(kind.rawValue):\n"
                for entry in entries { out += "    - {\(line(entry))}\n" }
            }
        }
        let byHost = Dictionary(grouping: hostExceptions, by: \.host)
        if !byHost.isEmpty {
            out += "host_exceptions:\n"
            for host in byHost.keys.sorted() {
                out += "  \(quoted(host)):\n"
                for exception in byHost[host]!.sorted(by: { $0.term < $1.term }) {
                    out += "    - {kind: \(exception.term.kind.rawValue), term: \(quoted(exception.term.value))}\n"
                }
            }
        }
        return out
    }

    /// A term accepted for one host only.
    public struct HostException: Sendable, Hashable {
        public var host: String
        public var term: Term

        public init(host: String, term: Term) {
            self.host = host
            self.term = term
        }
    }

    static func line(_ entry: Baseline.Entry) -> String {
        var fields = ["term: \(quoted(entry.term.value))"]
        if let p = entry.prevalence {
            fields.append("hosts: \(hostBucket(p.hosts, of: p.roleHosts))")
            fields.append("days: \(dayBucket(p.days))")
        }
        if entry.origin != .observed && entry.origin != .imported { fields.append("origin: \(entry.origin.rawValue)") }
        return fields.joined(separator: ", ")
    }

    /// `n/m` for roles of up to 20 hosts; above that, a share bucket such as `90%+/50`.
    static func hostBucket(_ hosts: Int, of roleHosts: Int) -> String {
        guard roleHosts > 20 else { return "\(hosts)/\(roleHosts)" }
        let percent = hosts * 100 / max(1, roleHosts)
        let bucket = [100, 90, 75, 50, 25, 10, 5, 1].first { percent >= $0 } ?? 0
        return "\(bucket)%+/\(roleHosts)"
    }

    static func dayBucket(_ days: Int) -> String {
        switch days {
        case ..<3: return String(days)
        case 3..<7: return "3+"
        case 7..<14: return "7+"
        case 14..<30: return "14+"
        default: return "30+"
        }
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7f || (0x80..<0xa0).contains(scalar.value)
                || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0xfeff:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// A proleptic Gregorian UTC date for a day number (days since 1970-01-01), without Foundation.
struct CivilDate: CustomStringConvertible, Equatable {
    var year: Int, month: Int, day: Int

    /// Howard Hinnant's `civil_from_days`.
    init(day daysSinceEpoch: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// Hinnant's `days_from_civil`.
    var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    init?(parsing text: Substring) {
        let parts = text.split(separator: "-")
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), (1...31).contains(d) else { return nil }
        year = y
        month = m
        day = d
    }

    var description: String {
        func pad(_ n: Int, _ width: Int) -> String { let s = String(n); return String(repeating: "0", count: max(0, width - s.count)) + s }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}

extension BaselineFile {
    /// `YYYY-MM-DD` for a UTC day number (days since 1970-01-01).
    public static func date(day: Int) -> String { CivilDate(day: day).description }
}
