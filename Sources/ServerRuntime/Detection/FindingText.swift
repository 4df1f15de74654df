import Foundation
import Storage

/// Human-readable findings for the terminal: the list as a table, one finding as "who did what
/// where". Every value shown may come from a host, so it goes through ``TextTable/printable(_:)``.
public enum FindingText {
    public static func table(_ findings: [FindingQueries.Summary]) -> String {
        var table = TextTable(["ID", "SEVERITY", "STATUS", "KIND", "ROLE", "SUBJECT", "HOSTS", "EVENTS", "LAST SEEN"])
        for f in findings {
            let hosts = f.hostCount == 1 ? (f.hosts.first ?? "1") : "\(f.hostCount) of \(f.roleHosts)"
                + (f.hosts.isEmpty ? "" : " (\(f.hosts.joined(separator: ", "))\(f.hostCount > f.hosts.count ? ", …" : ""))")
            table.append([
                String(f.id), "\(f.severity.score) \(f.severity.label.rawValue)", f.status, f.kind, f.role.isEmpty ? "-" : f.role,
                f.subject, hosts, String(f.eventCount), String(f.lastSeen.description.prefix(19)) + "Z",
            ])
        }
        return table.render()
    }

    /// One finding from its JSON document (``FindingQueries/documentJSON(_:)``) and history.
    public static func details(documentJSON: String, history: [FindingQueries.HistoryEntry]) -> String {
        let doc = (try? JSONSerialization.jsonObject(with: Data(documentJSON.utf8))) as? [String: Any] ?? [:]
        func text(_ value: Any?) -> String { TextTable.printable(value.map { "\($0)" } ?? "-") }
        let severity = doc["severity"] as? [String: Any] ?? [:]
        let hosts = (doc["hosts"] as? [String] ?? []).map(TextTable.printable)
        let prevalence = doc["prevalence"] as? [String: Any] ?? [:]
        var lines = [
            "finding \(text(doc["id"])): \(text(doc["kind"])) \(text(doc["subject"]))",
            "  role:       \(text(doc["role"]))   status: \(text(doc["status"]))   severity: \(text(severity["score"])) \(text(severity["label"]))",
            "  hosts:      on \(text(prevalence["hosts"])) of \(text(prevalence["role_hosts"])) hosts of the role: \(hosts.joined(separator: ", "))",
            "  seen:       \(text(doc["event_count"])) event\((doc["event_count"] as? Int) == 1 ? "" : "s"), \(text(doc["first_seen"])) to \(text(doc["last_seen"]))",
            "  baseline:   \(text(doc["baseline_version"]))",
        ]
        if let facts = doc["facts"] as? [String: Any], !facts.isEmpty,
           let data = try? JSONSerialization.data(withJSONObject: facts, options: [.sortedKeys]) {
            lines.append("  facts:      " + TextTable.printable(String(decoding: data, as: UTF8.self)))
        }
        let evidence = doc["evidence"] as? [[String: Any]] ?? []
        if !evidence.isEmpty {
            lines.append("evidence (oldest and newest):")
            for event in evidence { lines.append("  " + describe(event)) }
        }
        if !history.isEmpty {
            lines.append("history:")
            for h in history {
                var line = "  \(String(h.at.description.prefix(19)))Z  \(TextTable.printable(h.actor))  \(h.action)"
                if let from = h.fromStatus, let to = h.toStatus { line += " (\(from) → \(to))" }
                if let note = h.note { line += ": " + TextTable.printable(note) }
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// "2026-11-21T08:09:20.533Z web-03: alice (auid 1001) as uid 1001 ran /tmp/.x/kworkerd
    /// (pid 947, parent /usr/bin/bash pid 944) in /home/alice: argv …; connect 203.0.113.66:1337".
    public static func describe(_ event: [String: Any]) -> String {
        func value(_ v: Any?) -> String? { v.map { TextTable.printable("\($0)") } }
        let user = event["user"] as? [String: Any] ?? [:]
        let process = event["process"] as? [String: Any] ?? [:]
        var parts: [String] = []
        var head = "\(value(event["time"]) ?? "?") \(value(event["host"]) ?? "?"):"
        if let kind = value(event["kind"]) { head += " [\(kind)]" }
        parts.append(head)
        if let auid = user["auid"] {
            parts.append("\(value(user["auid_name"]) ?? "auid \(value(auid)!)")\(user["auid_name"] != nil ? " (auid \(value(auid)!))" : "")")
        }
        if let uid = user["uid"] {
            parts.append("as \(value(user["uid_name"]).map { "\($0) (uid \(value(uid)!))" } ?? "uid \(value(uid)!)")")
        }
        if let exe = value(process["exe"]) {
            var p = "ran \(exe)"
            var ids: [String] = []
            if let pid = value(process["pid"]) { ids.append("pid \(pid)") }
            if let parent = value(process["parent_exe"]) { ids.append("parent \(parent)" + (value(process["ppid"]).map { " pid \($0)" } ?? "")) }
            if !ids.isEmpty { p += " (\(ids.joined(separator: ", ")))" }
            parts.append(p)
        }
        if let cwd = value(process["cwd"]) { parts.append("in \(cwd)") }
        if let argv = process["argv"] as? [Any], !argv.isEmpty {
            parts.append("argv: " + argv.map { TextTable.printable("\($0)") }.joined(separator: " "))
        }
        if let socket = event["socket"] as? [String: Any] {
            if let address = value(socket["address"]) {
                parts.append("→ \(address)" + (value(socket["port"]).map { ":\($0)" } ?? ""))
            } else if let path = value(socket["path"]) {
                parts.append("→ unix:\(path)")
            }
        }
        if let message = event["user_message"] as? [String: Any] {
            let fields = ["op", "acct", "addr", "res"].compactMap { key in value(message[key]).map { "\(key)=\($0)" } }
            if !fields.isEmpty { parts.append(fields.joined(separator: " ")) }
        }
        if let config = event["config"] as? [String: Any] {
            let fields = ["op", "setting", "value", "old"].compactMap { key in value(config[key]).map { "\(key)=\($0)" } }
            if !fields.isEmpty { parts.append("audit config: " + fields.joined(separator: " ")) }
        }
        if event["kind"] == nil {
            // Not an audit event (a heartbeat, an identity record, a silence): show it whole.
            if let data = try? JSONSerialization.data(withJSONObject: event, options: [.sortedKeys]) {
                return TextTable.printable(String(decoding: data, as: UTF8.self))
            }
        }
        return parts.joined(separator: " ")
    }
}
