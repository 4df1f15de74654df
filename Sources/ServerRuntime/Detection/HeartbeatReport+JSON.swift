import Findings
import Foundation
import Storage

extension HeartbeatReport {
    /// Reads the keys the judgement uses from an agent's report. The report is host data: a
    /// missing or ill-typed value reads as unknown, never as an error.
    init(json: String, bootID: String?) {
        let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] ?? [:]
        func integer(_ key: String) -> Int64? {
            (object[key] as? NSNumber)?.int64Value
        }
        self.init(
            bootID: bootID ?? object["boot_id"] as? String, startedAt: integer("started_at"),
            auditEnabled: integer("audit_enabled").map { Int(clamping: $0) }, rulesDigest: object["rules_digest"] as? String,
            rulesReloadedAt: integer("rules_reloaded_at"), kernelLost: integer("kernel_lost"), serialGaps: integer("serial_gaps"),
            spoolDroppedEvents: integer("spool_dropped_events"), stopping: (object["stopping"] as? Bool) == true)
    }
}

extension HealthStore.Heartbeat {
    var current: HeartbeatReport { HeartbeatReport(json: reportJSON, bootID: bootID) }
    var previous: HeartbeatReport? { previousJSON.map { HeartbeatReport(json: $0, bootID: nil) } }
}
