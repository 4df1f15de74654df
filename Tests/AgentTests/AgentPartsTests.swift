import LibPQ
import Testing

@testable import AgentRuntime

/// The agent's small pure parts: future flag, error mapping, heartbeat JSON, configuration.
@Suite struct AgentPartsTests {
    @Test func futureTimeIsAddedToTheDetailObject() {
        #expect(EventBatchEncoder.flaggingFuture(nil) == #"{"future_time":true}"#)
        #expect(EventBatchEncoder.flaggingFuture("{}") == #"{"future_time":true}"#)
        #expect(EventBatchEncoder.flaggingFuture(#"{"a":1}"#) == #"{"a":1,"future_time":true}"#)
    }

    @Test func postgresErrorsMapToRetryableOrNot() {
        func code(_ error: PostgresError) -> BatchSinkError.Code { PostgresBatchSink.sinkError(error, operation: "test").code }
        #expect(code(PostgresError(.connectionFailed, message: "x")) == .unavailable)
        #expect(code(PostgresError(.connectionLost, message: "x")) == .unavailable)
        #expect(code(PostgresError(.server, message: "x", sqlState: "08006")) == .unavailable)
        #expect(code(PostgresError(.server, message: "x", sqlState: "57P01")) == .refused)
        #expect(code(PostgresError(.server, message: "x", sqlState: "53100")) == .refused)
        #expect(code(PostgresError(.server, message: "x", sqlState: "42501")) == .refused)
        #expect(code(PostgresError(.server, message: "x", sqlState: "22P02")) == .rejected)
        #expect(code(PostgresError(.server, message: "x", sqlState: "23505")) == .rejected)
    }

    @Test func environmentOverridesTheFileAndDefaultsFillTheRest() throws {
        let configuration = try AgentConfiguration.load(
            filePath: nil, environment: ["HERDWATCH_AGENT_SOURCE": "stdin", "DATABASE_URL": "dbname=x"])
        #expect(configuration.source == .stdin)
        #expect(configuration.databaseURL == "dbname=x")
        #expect(configuration.heartbeatInterval == .seconds(30))
        #expect(configuration.spoolDirectory == "/var/lib/herdwatch-agent/spool")
        #expect(configuration.digest.isEmpty)
    }
}
