import LibPQ
import PostgresFixture
import Synchronization
import Testing

@Suite("Blocking libpq calls stay off the cooperative pool")
struct CooperativePoolTests {
    @Test func asyncWorkProgressesWhileMoreConnectionsThanCoresBlockInTheServer() async throws {
        try await TestPostgres.withDatabase { database in
            // More blocked calls than the cooperative pool has threads (one per core).
            let blockedCount = 8
            var connections: [Connection] = []
            for _ in 0..<blockedCount { connections.append(try await database.connect()) }
            let finished = Counter()
            let checker = try await database.connect()

            try await withThrowingTaskGroup(of: Void.self) { group in
                for connection in connections {
                    group.addTask {
                        try await connection.execute("SELECT pg_sleep(20)")
                        finished.increment()
                    }
                }
                // Wait until every sleeper is inside the server, seen from another session.
                // The sleeps are long so that a machine loaded by other tests still gets this check
                // done while they last.
                for _ in 0..<1_500 {
                    let sleeping = try await checker.query(
                        "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(20)' AND state = 'active'"
                    ).first!.decode(Int.self, at: 0)
                    if sleeping == blockedCount { break }
                    try await Task.sleep(for: .milliseconds(10))
                }
                // Had the sleepers occupied the cooperative threads, none of this async work could
                // have run until they returned.
                var sum = 0
                for value in 0..<1000 {
                    await Task.yield()
                    sum += value
                }
                #expect(sum == 499_500)
                #expect(finished.value == 0)
                try await group.waitForAll()
            }
            #expect(finished.value == blockedCount)
        }
    }
}

/// A shared count that escaping task closures can capture (an `Atomic` itself cannot be).
final class Counter: Sendable {
    private let atomic = Atomic<Int>(0)
    func increment() { atomic.add(1, ordering: .sequentiallyConsistent) }
    var value: Int { atomic.load(ordering: .sequentiallyConsistent) }
}
