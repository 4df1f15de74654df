import LibPQ

/// An agent's periodic health report, stored through `herdwatch.agent_heartbeat`, which
/// applies the same host binding as the ingest path.
public enum AgentHeartbeat {
    /// - Parameter reportJSON: a JSON object with the agent's counters (see the agent's docs).
    /// - Returns: false when the host is bound to another login and the heartbeat was refused.
    public static func record(
        hostname: String, machineID: String?, bootID: String?, reportJSON: String, session: Session
    ) throws -> Bool {
        try session.query(
            "SELECT herdwatch.agent_heartbeat($1, $2, $3::uuid, $4)",
            [.text(hostname), machineID.map(SQLParameter.text) ?? .null, bootID.map(SQLParameter.text) ?? .null,
             .jsonb(reportJSON)]
        ).first?.decode(Bool.self, at: 0) ?? false
    }
}
