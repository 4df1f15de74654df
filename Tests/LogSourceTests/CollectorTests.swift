@testable import AgentRuntime
import Foundation
import Testing

/// The test ``Collector`` itself: it must keep draining a source while the cooperative pool
/// is busy, as it is for minutes in a full `swift test` run on a loaded two-core machine.
@Suite struct CollectorTests {
    @Test func drainsWhileEveryCooperativeThreadIsBusy() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("audit.log")
        var configuration = LogFileAuditSource.Configuration.testing(path)
        configuration.chunkSize = 4096
        configuration.capacity = 1
        let source = try LogFileAuditSource.start(configuration, resumingFrom: nil)
        defer { source.stop() }
        let collector = Collector.draining(source)
        // Far more batches than the source may run ahead (capacity 1): the source gets
        // through them only if the collector keeps taking them.
        try AppendingWriter(path).write(lines: records(0..<1000))
        // Hold more cooperative threads than there are (one per core), each blocked until
        // the collector has every line or 10 s passed; a collector running on the pool
        // could not run meanwhile, and every blocker would time out.
        let blockers = ProcessInfo.processInfo.activeProcessorCount + 1
        let counts = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<blockers {
                group.addTask {
                    let deadline = ContinuousClock.now + .seconds(10)
                    while collector.snapshot.lines.count < 1000, ContinuousClock.now < deadline { usleep(1000) }
                    return collector.snapshot.lines.count
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(counts == Array(repeating: 1000, count: blockers))
        #expect(await collector.lines(1000, thenStopping: source).map(\.text) == records(0..<1000))
    }
}
