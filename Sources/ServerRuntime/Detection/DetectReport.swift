import Foundation
import FleetModel

/// The summary `herdwatch detect --once` prints.
public enum DetectReport {
    public static func render(_ p: Detector.Progress, elapsed: Duration) -> String {
        let seconds = elapsed.inSeconds
        var lines = [
            "judged \(p.judgedEvents) events through ingest sequence \(p.throughSeq) in \(String(format: "%.1f", seconds)) s"
                + " (\(p.historyEvents) history events of training windows skipped)",
            "findings: \(p.findingsCreated) new, \(p.findingsJoined) joined by new hosts, \(p.findingsReopened) reopened;"
                + " \(p.alertsQueued) alerts queued",
            "health: \(p.health.silentHosts) silent hosts, \(p.health.heartbeatConditions) heartbeat conditions,"
                + " \(p.health.identityConditions) refused writes or renames, \(p.health.unsnoozed) snoozes ended",
            "files: \(p.fileIntegrity.changes) changes, \(p.fileIntegrity.driftSightings) hosts differing from their role's majority,"
                + " \(p.fileIntegrity.findingsCreated) new file findings",
        ]
        if p.waitingForOpenIngest {
            lines.append("an ingest transaction is still open: events stored after it wait for the next pass")
        }
        if !p.waitingRoles.isEmpty {
            lines.append("waiting for an active baseline: \(p.waitingRoles.joined(separator: ", ")) (run `herdwatch learn --activate`)")
        }
        return lines.joined(separator: "\n")
    }
}
