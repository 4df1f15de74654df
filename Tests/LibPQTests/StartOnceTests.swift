import Dispatch
import Foundation
import PostgresFixture
import Testing

/// The once-per-process server start (``StartOnce``) without a server: a blocking start that
/// only a task on the cooperative pool can release.
@Suite struct StartOnceTests {
    @Test func callersWaitingForABlockingStartLeaveTheCooperativePoolFree() async throws {
        let release = DispatchSemaphore(value: 0)
        let starts = Counter()
        let once = StartOnce { () -> Bool in
            starts.increment()
            return release.wait(timeout: .now() + .seconds(60)) == .success
        }
        // More waiters than the cooperative pool has threads (one per core): had they blocked
        // their threads, this test's task could not run to release the start, which would
        // then time out and make `false`.
        let waiters = ProcessInfo.processInfo.activeProcessorCount + 2
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<waiters { group.addTask { try await once.value() } }
            for _ in 0..<100 { await Task.yield() }
            release.signal()
            var released = 0
            for try await value in group where value { released += 1 }
            #expect(released == waiters)
        }
        #expect(starts.value == 1)
        #expect(try await once.value())
    }

    @Test func aFailedStartIsTheAnswerForEveryCaller() async throws {
        struct Refused: Error {}
        let starts = Counter()
        let once = StartOnce { () throws -> Int in
            starts.increment()
            throw Refused()
        }
        for _ in 0..<3 {
            await #expect(throws: Refused.self) { try await once.value() }
        }
        #expect(starts.value == 1)
    }
}
