import Foundation
import Findings
import Storage

/// The webhook sink's payload: a Slack-compatible message (`{"text": …, "blocks": […]}`),
/// also accepted by Mattermost and Rocket.Chat incoming webhooks.
///
/// Everything from a host (subject, host names, user, exe, argv) is attacker-controlled, so it
/// is escaped for Slack's mrkdwn (`&`, `<`, `>`; see https://api.slack.com/reference/surfaces/formatting#escaping),
/// which keeps a host from injecting links or `<!channel>` mentions, and cut to a bounded length.
/// Only the finding's summary and one evidence line leave the service; argv was redacted by the
/// agent before it left the host.
struct SlackMessage: Encodable, Equatable {
    struct Text: Encodable, Equatable {
        var type = "mrkdwn"
        var text: String
    }
    struct Block: Encodable, Equatable {
        var type: String
        var text: Text?
        var elements: [Text]?
    }

    var text: String
    var blocks: [Block]

    /// Longest host-supplied value put into a message, in characters.
    static let fieldLimit = 300

    init(_ alert: PendingAlert) {
        let severity = Severity(score: alert.severity)
        let role = alert.role.isEmpty ? "hosts without a role" : alert.role
        let headline = "\(Self.reasonText(alert.reason)) \(alert.kind) finding #\(alert.findingID) in \(Self.escape(role)), "
            + "severity \(severity.label.rawValue) (\(severity.score))"
        let prevalence = "on \(alert.hostCount) of \(alert.roleHosts) \(Self.escape(role)) hosts: \(Self.hostList(alert.hosts))"
        text = "\(headline): \(Self.escape(Self.cut(alert.subject)))"
        var blocks = [
            Block(type: "section", text: Text(text: "*\(headline)*\n`\(Self.escape(Self.cut(alert.subject)))`\n\(prevalence)"))
        ]
        if let evidence = alert.evidence {
            blocks.append(Block(type: "context", elements: [Text(text: Self.evidenceLine(evidence))]))
        }
        self.blocks = blocks
    }

    /// A message saying how many alerts the rate limit dropped, sent once after the run that
    /// dropped them.
    init(droppedByRateLimit count: Int) {
        text = "\(count) alert\(count == 1 ? "" : "s") dropped by the rate limit; see `herdwatch findings list`"
        blocks = [Block(type: "section", text: Text(text: text))]
    }

    func json() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try! encoder.encode(self)  // plain strings: cannot fail
    }

    /// "alice (uid 0) on web-03: /usr/bin/curl `curl -s http://…` → 203.0.113.66:1337"
    static func evidenceLine(_ e: PendingAlert.EvidenceLine) -> String {
        var who = e.user ?? e.uid.map { "uid \($0)" } ?? "unknown user"
        if e.user != nil, let uid = e.uid { who += " (uid \(uid))" }
        var line = "\(escape(cut(who))) on \(escape(cut(e.host)))"
        if let exe = e.exe { line += ": \(escape(cut(exe)))" }
        if !e.argv.isEmpty { line += " `\(escape(cut(e.argv.joined(separator: " "))))`" }
        if let destination = e.destination { line += " → \(escape(cut(destination)))" }
        return line
    }

    static func reasonText(_ reason: String) -> String {
        switch reason {
        case "new": return "New"
        case "escalation": return "Escalated"
        case "reopened": return "Reopened"
        default: return "Changed"
        }
    }

    /// At most three names, then "+N".
    static func hostList(_ hosts: [String]) -> String {
        let shown = hosts.prefix(3).map { escape(cut($0)) }.joined(separator: ", ")
        return hosts.count > 3 ? "\(shown) +\(hosts.count - 3)" : shown
    }

    /// Escapes Slack's three control characters, and the backtick so a value cannot close the
    /// code span it is shown in. Control characters become spaces.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "`": out += "'"
            case _ where scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value): out += " "
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func cut(_ text: String) -> String {
        text.count <= fieldLimit ? text : String(text.prefix(fieldLimit)) + "…"
    }
}
