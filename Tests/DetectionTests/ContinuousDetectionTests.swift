import LibPQ
import Logging
import PostgresFixture
import ServerRuntime
import Synchronization
import Testing

@Suite("The continuous detector")
struct ContinuousDetectionTests {
    @Test func aNovelEventBecomesAFindingWithinASecond() async throws {
        try await MigratedDatabase.with { database in
            let admin = try await database.connect()
            try await admin.withSession { try TrainedRole.setUp($0) }
            let passes = Mutex(0)
            let service = DetectorService(
                conninfo: database.conninfo, detector: TrainedRole.detector, healthInterval: .seconds(60),
                logger: Logger(label: "test.detector"), onPass: { _ in passes.withLock { $0 += 1 } })
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await service.run() }
                // Listening (LISTEN comes before the first pass) and idle.
                let ready = try await poll(within: .seconds(30)) { passes.withLock { $0 } >= 1 }
                try #require(ready != nil)

                try await admin.withSession { try TrainedRole.run("/usr/bin/socat", on: "web-04", serial: 1, $0) }
                let appeared = try await poll(within: .seconds(10)) {
                    try await admin.query("SELECT count(*) FROM herdwatch.findings WHERE subject = '/usr/bin/socat'")
                        .first?.decode(Int.self, at: 0) == 1
                }
                group.cancelAll()
                let latency = try #require(appeared, "no finding within 10 s")
                #expect(latency < .seconds(1), "finding after \(latency)")
            }
        }
    }
}
