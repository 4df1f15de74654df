@testable import AgentRuntime
import Glibc
import Testing

@Suite struct BlockingIOExecutorTests {
    /// Work preferring the executor runs on its one thread, whichever task asks.
    @Test func runsEveryOperationOnItsOneThread() async throws {
        let executor = try #require(BlockingIOExecutor.shared)
        let threads = await withTaskGroup(of: (pthread_t, pthread_t).self) { group in
            for _ in 0..<20 {
                group.addTask {
                    let outside = pthread_self()
                    let inside = await withTaskExecutorPreference(executor) { pthread_self() }
                    return (outside, inside)
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(threads.map(\.1)).count == 1)
        #expect(!threads.contains { $0.0 == $0.1 })
    }
}
