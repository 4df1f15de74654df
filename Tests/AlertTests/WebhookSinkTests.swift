import Foundation
import Logging
import PostgresFixture
import Storage
import Testing

@testable import ServerRuntime

@Suite("Webhook alert sink against a real HTTP server")
struct WebhookSinkTests {
    static func sink(_ server: WebhookTestServer, rate: Int = 30, attempts: Int = 3) -> WebhookSink {
        var configuration = WebhookSink.Configuration(url: server.url)
        configuration.maxAttempts = attempts
        configuration.ratePerMinute = rate
        configuration.timeout = .seconds(5)
        configuration.backoff = RetryBackoff(base: .milliseconds(20), cap: .milliseconds(100))
        return WebhookSink(configuration, logger: Logger(label: "test"))
    }

    @Test func aServerErrorIsRetriedThenDelivered() async throws {
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            let hostile = #"""
                {"host":"web-01","user":{"uid":0,"uid_name":"root","auid_name":"<!channel> & co"},
                 "process":{"exe":"/usr/bin/curl","argv":["curl","<https://evil.example|click>"]},
                 "socket":{"address":"203.0.113.66","port":1337}}
                """#
            try await connection.withSession { session in
                let hosts = try AlertFixtures.fleet(session)
                try AlertFixtures.sighting(session, subject: "/tmp/<x>", hostID: hosts["web-01"]!, host: "web-01", evidence: hostile)
            }
            let server = try WebhookTestServer(statuses: [500])
            let dispatcher = AlertDispatcher(sinks: [Self.sink(server)], connection: connection, logger: Logger(label: "test"))
            let report = try await dispatcher.runOnce()
            #expect(report.map(\.delivered) == [1])
            let recorded = try await connection.withSession { try AlertFixtures.deliveries($0, sink: "webhook") }
            #expect(recorded.map(\.1) == ["delivered"])
            #expect(recorded.map(\.2) == [2])
            let bodies = server.bodies()
            #expect(bodies.count == 2)
            #expect(bodies[0] == bodies[1])
            let message = try JSONSerialization.jsonObject(with: Data(bodies[1].utf8)) as! [String: Any]
            let text = message["text"] as! String
            #expect(text.contains("New exec finding"))
            #expect(text.contains("/tmp/&lt;x&gt;"))
            #expect((message["blocks"] as! [Any]).count == 2)
            #expect(!bodies[1].contains("<!channel>"))
            #expect(bodies[1].contains("&lt;!channel&gt; &amp; co (uid 0) on web-01: /usr/bin/curl"))
            #expect(!bodies[1].contains("<https://evil"))
            #expect(try await dispatcher.runOnce().map(\.delivered) == [0])
            #expect(server.bodies().count == 2)
        }
    }

    @Test func aServerThatKeepsFailingIsGivenUpOn() async throws {
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            try await connection.withSession { session in
                let hosts = try AlertFixtures.fleet(session)
                try AlertFixtures.sighting(session, subject: "/tmp/a", hostID: hosts["web-01"]!, host: "web-01")
                try AlertFixtures.sighting(session, subject: "/tmp/b", hostID: hosts["web-01"]!, host: "web-01")
            }
            // Three 503s use up the first alert's attempts; a 404 fails the second at once.
            let server = try WebhookTestServer(statuses: [503, 503, 503, 404])
            let dispatcher = AlertDispatcher(sinks: [Self.sink(server, attempts: 3)], connection: connection, logger: Logger(label: "test"))
            let report = try await dispatcher.runOnce()
            #expect(report.map(\.failed) == [2])
            let recorded = try await connection.withSession { try AlertFixtures.deliveries($0, sink: "webhook") }
            #expect(recorded.map(\.1) == ["failed", "failed"])
            #expect(recorded.map(\.2) == [3, 1])
            let errors = try await connection.query("SELECT error FROM herdwatch.alert_deliveries ORDER BY outbox_id")
            #expect(try errors.rows.map { try $0.decode(String.self, at: 0) } == ["HTTP 503", "HTTP 404"])
        }
    }

    @Test func theRateLimitDropsTheExcessAndSaysHowMany() async throws {
        try await MigratedDatabase.with { database in
            let connection = try await database.connect()
            try await connection.withSession { session in
                let hosts = try AlertFixtures.fleet(session)
                for i in 1...5 {
                    try AlertFixtures.sighting(session, subject: "/tmp/\(i)", hostID: hosts["web-01"]!, host: "web-01")
                }
            }
            let server = try WebhookTestServer(statuses: [])
            let dispatcher = AlertDispatcher(sinks: [Self.sink(server, rate: 2)], connection: connection, logger: Logger(label: "test"))
            let report = try await dispatcher.runOnce()
            #expect(report.map(\.delivered) == [2])
            #expect(report.map(\.dropped) == [3])
            let recorded = try await connection.withSession { try AlertFixtures.deliveries($0, sink: "webhook") }
            #expect(recorded.map(\.1) == ["delivered", "delivered", "dropped", "dropped", "dropped"])
            let bodies = server.bodies()
            #expect(bodies.count == 3)
            #expect(bodies.last?.contains("3 alerts dropped by the rate limit") == true)
        }
    }
}
