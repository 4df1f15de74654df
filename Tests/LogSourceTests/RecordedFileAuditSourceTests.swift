@testable import AgentRuntime
import Glibc
import Testing

/// Recorded files read once, in order.
@Suite struct RecordedFileAuditSourceTests {
    @Test func readsSeveralFilesInOrderThenFinishes() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try AppendingWriter(directory.file("a")).write(lines: records(0..<3000))
        try AppendingWriter(directory.file("b")).write(records(3000..<3002).joined(separator: "\r\n"))
        _ = try AppendingWriter(directory.file("empty"))
        try AppendingWriter(directory.file("c")).write(lines: records(3002..<3005))
        let source = try RecordedFileAuditSource.start(
            paths: ["a", "b", "empty", "c"].map(directory.file), chunkSize: 64 * 1024, capacity: 2
        )
        defer { source.stop() }
        let collector = Collector.draining(source)
        let lines = await collector.waitForFinish()
        #expect(lines.map(\.text) == records(0..<3005))
        #expect(lines.filter { !$0.flags.isEmpty }.map(\.text) == [record(3001)], "b ends without a line feed")
        let positions = collector.snapshot.positions.compactMap { $0 }
        #expect(positions.count == collector.snapshot.positions.count)
        let lastOfC = try Syscall.fileStatus(path: directory.file("c")).get()
        #expect(positions.last.map { $0.inode == lastOfC.inode && $0.offset == lastOfC.size } == true)
        #expect(source.counters.lines == 3005)
        #expect(source.counters.unterminatedLines == 1)
    }

    @Test func failsBeforeReadingWhenAFileIsMissing() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try AppendingWriter(directory.file("a")).write(lines: records(0..<1))
        do {
            _ = try RecordedFileAuditSource.start(paths: [directory.file("a"), directory.file("missing")])
            Issue.record("started with a missing file")
        } catch {
            #expect(error.code == .openFailed)
            #expect(error.path == directory.file("missing"))
            #expect(error.cause == Errno(ENOENT))
        }
    }

    @Test func readsALargeFileWithBoundedBatches() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let writer = try AppendingWriter(directory.file("big"))
        for start in stride(from: 0, to: 100_000, by: 10_000) { writer.write(lines: records(start..<(start + 10_000))) }
        let source = try RecordedFileAuditSource.start(paths: [directory.file("big")], capacity: 2)
        defer { source.stop() }
        var count = 0
        var expected = 0
        var ordered = true
        for await batch in source.batches {
            for index in batch.lines.indices {
                // Cheap order check on the serial, without building strings for every line.
                if index == 0 || index == batch.lines.count - 1 {
                    ordered = ordered && String(decoding: batch[line: index], as: UTF8.self) == record(expected + index)
                }
            }
            expected += batch.lines.count
            count += batch.lines.count
        }
        #expect(count == 100_000)
        #expect(ordered)
    }

    @Test func stopsAndGoesAwayWithBatchesUnread() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let writer = try AppendingWriter(directory.file("big"))
        writer.write(lines: records(0..<20_000))
        do {
            let source = try RecordedFileAuditSource.start(paths: [directory.file("big")], chunkSize: 4096, capacity: 3)
            var iterator = source.batches.makeAsyncIterator()
            #expect(await iterator.next() != nil)
            // Wait until the reader has queued 3 more batches and blocks for a credit.
            let deadline = ContinuousClock.now + .seconds(10)
            while source.counters.batches < 4, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(2)) }
            #expect(source.counters.batches == 4)
            let elapsed = ContinuousClock().measure { source.stop() }
            #expect(elapsed < .seconds(2))
            #expect(source.counters.batches == 4)
        }
        // The source, its semaphore and 3 unread batches are gone here: nothing may trap.
        do {
            let source = try RecordedFileAuditSource.start(paths: [directory.file("big")], chunkSize: 4096, capacity: 3)
            var iterator = source.batches.makeAsyncIterator()
            #expect(await iterator.next() != nil)
            source.stop()
            var rest = 0
            while await iterator.next() != nil { rest += 1 }
            #expect(rest <= 3, "unread batches are still handed out, then the stream ends")
        }
        // A source dropped without stop() stops its thread too.
        _ = try RecordedFileAuditSource.start(paths: [directory.file("big")], chunkSize: 4096, capacity: 1)
    }
}
