import LibPQ
import Logging
import Storage

/// Ships batches of pre-encoded event rows into PostgreSQL through the agent-only ingest path
/// (``EventIngest``), as the agent's own login: the ``BatchSink`` the shipper uses in production.
///
/// Holds one connection, opened on first use and dropped after any failure, so the next
/// attempt reconnects (the shipper's backoff spaces the attempts). Errors become
/// ``BatchSinkError``s: connection problems `.unavailable`; the server refusing for now
/// (shutting down, too many connections, disk full, a missing grant being fixed) `.refused`;
/// invalid data, and a host bound to another login, `.rejected` (never retried).
///
/// ```swift
/// let sink = PostgresBatchSink(conninfo: "postgresql://agent_web_01@db/herdwatch", identity: .current(), logger: logger)
/// try await sink.ship(batch)
/// ```
public actor PostgresBatchSink: BatchSink {
    let conninfo: String
    let identity: HostIdentity
    let logger: Logger
    let statistics: AgentStatistics?
    private var connection: Connection?

    public init(conninfo: String, identity: HostIdentity, statistics: AgentStatistics? = nil, logger: Logger) {
        self.conninfo = conninfo
        self.identity = identity
        self.statistics = statistics
        self.logger = logger
    }

    public func ship(_ batch: ShipBatch) async throws {
        let connection = try await connected()
        let hostname = identity.hostname
        let machineID = identity.machineID
        let payload = batch.payload
        let outcome: EventIngest.Outcome
        do {
            outcome = try await connection.withSession { session in
                try EventIngest.ingest(encodedRows: payload, hostname: hostname, machineID: machineID, session: session)
            }
        } catch {
            self.connection = nil
            throw Self.sinkError(error, operation: "ingest")
        }
        if outcome.refused {
            statistics?.update { $0.hostRefused = true }
            logger.error(
                "the database refused this host's events: the host name is bound to another agent login; an operator must check the host's identity or its login",
                metadata: ["host.name": "\(hostname)", "batch.sequence": "\(batch.sequence)", "batch.events": "\(batch.eventCount)"])
            throw BatchSinkError(.rejected, operation: "ingest_commit (host bound to another login)")
        }
        logger.debug(
            "batch stored",
            metadata: ["batch.sequence": "\(batch.sequence)", "batch.stored": "\(outcome.stored)", "batch.duplicates": "\(outcome.duplicates)"])
    }

    private func connected() async throws(BatchSinkError) -> Connection {
        if let connection { return connection }
        do {
            let opened = try await Connection.connect(conninfo: conninfo, applicationName: "herdwatch-agent")
            connection = opened
            logger.info("connected to PostgreSQL")
            return opened
        } catch {
            throw Self.sinkError(error, operation: "connect")
        }
    }

    /// Whether a retry can help, from the libpq error and its SQLSTATE class (PostgreSQL
    /// documentation, Appendix A "PostgreSQL Error Codes").
    static func sinkError(_ error: any Error, operation: String) -> BatchSinkError {
        guard let error = error as? PostgresError else { return BatchSinkError(.unavailable, operation: operation, cause: error) }
        if error.code == .connectionFailed || error.code == .connectionLost {
            return BatchSinkError(.unavailable, operation: operation, cause: error)
        }
        switch error.sqlState?.prefix(2) {
        case "08": return BatchSinkError(.unavailable, operation: operation, cause: error)
        // Data exceptions, integrity violations: this batch can never be stored.
        case "22", "23": return BatchSinkError(.rejected, operation: operation, cause: error)
        // Everything else (53 resources, 57 operator intervention, 42501 a grant, 40 a
        // serialization failure, 25 …) may pass later.
        default: return BatchSinkError(.refused, operation: operation, cause: error)
        }
    }
}
