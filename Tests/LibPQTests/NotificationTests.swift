import LibPQ
import PostgresFixture
import Testing

@Suite("LISTEN/NOTIFY")
struct NotificationTests {
    @Test func notificationReachesTheListener() async throws {
        try await TestPostgres.withDatabase { database in
            let listener = try await database.connect()
            let sender = try await database.connect()
            let channel = "events \"new\""  // needs identifier quoting
            try await listener.withSession { try $0.listen(channel) }

            let nothingYet = try await listener.withSession { try $0.waitForNotifications(timeout: .milliseconds(50)) }
            #expect(nothingYet.isEmpty)

            try await sender.withSession { try $0.notify(channel, payload: "seq=42 'quoted'") }
            // Waits for as long as it takes, bounded by the timeout; returns as soon as it arrives.
            let received = try await listener.withSession { try $0.waitForNotifications(timeout: .seconds(10)) }
            #expect(received.map(\.channel) == [channel])
            #expect(received.map(\.payload) == ["seq=42 'quoted'"])
        }
    }
}
