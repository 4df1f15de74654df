@testable import AgentRuntime
import Glibc
import Testing

/// Real files, real renames and truncations, in a temporary directory per test.
@Suite struct LogFileAuditSourceTests {
    @Test func deliversAGrowingFileExactlyOnceInOrder() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("audit.log")
        let writer = try AppendingWriter(path)
        writer.write(lines: records(0..<100))
        var configuration = LogFileAuditSource.Configuration.testing(path)
        configuration.chunkSize = 4096
        let source = try LogFileAuditSource.start(configuration, resumingFrom: nil)
        defer { source.stop() }
        let collector = Collector.draining(source)
        for start in stride(from: 100, to: 2000, by: 100) {
            writer.write(lines: records(start..<(start + 100)))
            if start % 500 == 0 { await collector.waitForLines(start + 100) }
        }
        let lines = await collector.lines(2000, thenStopping: source)
        #expect(lines.map(\.text) == records(0..<2000))
        #expect(lines.allSatisfy { $0.flags.isEmpty })
        let last = try #require(collector.snapshot.positions.last ?? nil)
        let status = try Syscall.fileStatus(path: path).get()
        let firstBytes = Array(records(0..<10).map { $0 + "\n" }.joined().utf8.prefix(FileFingerprint.coveredBytes))
        #expect(last == status.position(at: status.size, fingerprint: FileFingerprint.of(firstBytes)))
    }

    @Test func losesNothingAcrossRenameAndCreate() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("audit.log")
        let oldWriter = try AppendingWriter(path)
        let source = try LogFileAuditSource.start(.testing(path), resumingFrom: nil)
        defer { source.stop() }
        let collector = Collector.draining(source)
        oldWriter.write(lines: records(0..<300))
        await collector.waitForLines(100)
        // logrotate: rename, then the writer keeps appending to the old inode until it reopens.
        #expect(rename(path, directory.file("audit.log.1")) == 0)
        oldWriter.write(lines: records(300..<400))
        let newWriter = try AppendingWriter(path)
        oldWriter.write(lines: records(400..<450))
        newWriter.write(lines: records(450..<600))
        await collector.waitForLines(500)
        // And a second rotation, auditd style: close, rename, create.
        #expect(rename(directory.file("audit.log.1"), directory.file("audit.log.2")) == 0)
        #expect(rename(path, directory.file("audit.log.1")) == 0)
        try AppendingWriter(path).write(lines: records(600..<700))
        let lines = await collector.lines(700, thenStopping: source)
        #expect(lines.map(\.text) == records(0..<700))
        #expect(source.counters.rotations == 2)
        #expect(source.counters.possibleGaps == 0)
    }

    @Test func readsEveryRotatedFileInOrderWhenFarBehind() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("audit.log")
        try AppendingWriter(path).write(lines: records(0..<500))
        var configuration = LogFileAuditSource.Configuration.testing(path)
        configuration.chunkSize = 4096
        configuration.capacity = 1
        let source = try LogFileAuditSource.start(configuration, resumingFrom: nil)
        defer { source.stop() }
        // The reader has opened the first file and is blocked: nobody consumes yet.
        let deadline = ContinuousClock.now + .seconds(10)
        while source.counters.batches < 1, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(2)) }
        // Eight rotations, auditd style (audit.log.N → N+1, audit.log → .1, new audit.log),
        // all while the reader is still in the first file.
        for rotation in 1...8 {
            for number in stride(from: rotation - 1, through: 1, by: -1) {
                #expect(rename(directory.file("audit.log.\(number)"), directory.file("audit.log.\(number + 1)")) == 0)
            }
            #expect(rename(path, directory.file("audit.log.1")) == 0)
            try AppendingWriter(path).write(lines: records((rotation * 500)..<((rotation + 1) * 500)))
        }
        let collector = Collector.draining(source)
        let lines = await collector.lines(4500, thenStopping: source)
        #expect(lines.count == 4500)
        #expect(lines.map(\.text) == records(0..<4500))
        #expect(source.counters.possibleGaps == 0)
    }

    @Test func restartsACopyTruncatedFile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("audit.log")
        let writer = try AppendingWriter(path)
        writer.write(lines: records(0..<200))
        let source = try LogFileAuditSource.start(.testing(path), resumingFrom: nil)
        defer { source.stop() }
        let collector = Collector.draining(source)
        await collector.waitForLines(200)
        // logrotate copytruncate: copy elsewhere (not read by the source), truncate in place;
        // the writer's O_APPEND descriptor then writes from 0.
        #expect(truncate(path, 0) == 0)
        writer.write(lines: records(200..<210))
        let lines = await collector.lines(210, thenStopping: source)
        #expect(lines.map(\.text) == records(0..<210))
        #expect(source.counters.truncations == 1)
    }

    @Test func resumesAfterARestartExactlyAfterTheCheckpoint() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("audit.log")
        let writer = try AppendingWriter(path)
        writer.write(lines: records(0..<100))
        let checkpoint = try await readUntilLine(100, path: path, resumingFrom: nil)
        writer.write(lines: records(100..<200))
        let source = try LogFileAuditSource.start(.testing(path), resumingFrom: checkpoint)
        defer { source.stop() }
        let collector = Collector.draining(source)
        writer.write(lines: records(200..<250))
        let lines = await collector.lines(150, thenStopping: source)
        #expect(lines.map(\.text) == records(100..<250))
        #expect(source.counters.possibleGaps == 0)
        #expect(collector.snapshot.gapFlags.allSatisfy { !$0 })
    }

    @Test func resumesIntoARotatedFileThenTheNewOne() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("audit.log")
        do {
            let writer = try AppendingWriter(path)
            writer.write(lines: records(0..<100))
            let checkpoint = try await readUntilLine(100, path: path, resumingFrom: nil)
            // While the agent is down: more lines, two rotations, more lines.
            writer.write(lines: records(100..<150))
            #expect(rename(path, directory.file("audit.log.1")) == 0)
            try AppendingWriter(path).write(lines: records(150..<180))
            #expect(rename(directory.file("audit.log.1"), directory.file("audit.log.2")) == 0)
            #expect(rename(path, directory.file("audit.log.1")) == 0)
            try AppendingWriter(path).write(lines: records(180..<200))
            let source = try LogFileAuditSource.start(.testing(path), resumingFrom: checkpoint)
            defer { source.stop() }
            let collector = Collector.draining(source)
            let lines = await collector.lines(100, thenStopping: source)
            #expect(lines.map(\.text) == records(100..<200))
            #expect(source.counters.possibleGaps == 0)
        }
    }

    @Test func startsOverAndSaysSoWhenTheCheckpointedFileIsGone() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("audit.log")
        try AppendingWriter(path).write(lines: records(0..<10))
        let checkpoint = try await readUntilLine(10, path: path, resumingFrom: nil)
        #expect(unlink(path) == 0)
        try AppendingWriter(path).write(lines: records(10..<20))
        let source = try LogFileAuditSource.start(.testing(path), resumingFrom: checkpoint)
        defer { source.stop() }
        let collector = Collector.draining(source)
        let lines = await collector.lines(10, thenStopping: source)
        #expect(lines.map(\.text) == records(10..<20))
        #expect(source.counters.possibleGaps == 1)
        #expect(collector.snapshot.gapFlags.first == true)
    }

    @Test func waitsForAFileThatDoesNotExistYet() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("audit.log")
        let source = try LogFileAuditSource.start(.testing(path), resumingFrom: nil)
        defer { source.stop() }
        let collector = Collector.draining(source)
        try AppendingWriter(path).write(lines: records(0..<5))
        #expect(await collector.lines(5, thenStopping: source).map(\.text) == records(0..<5))
    }

    @Test func waitsForADirectoryThatDoesNotExistYet() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("audit/audit.log")
        let source = try LogFileAuditSource.start(.testing(path), resumingFrom: nil)
        defer { source.stop() }
        let collector = Collector.draining(source)
        #expect(mkdir(directory.file("audit"), 0o755) == 0)
        let writer = try AppendingWriter(path)
        writer.write(lines: records(0..<5))
        await collector.waitForLines(5)
        writer.write(lines: records(5..<10))
        #expect(await collector.lines(10, thenStopping: source).map(\.text) == records(0..<10))
    }

    /// Reads `path` with a fresh source until `count` lines arrived, stops it (a "restart"),
    /// and returns the last batch's position, as a caller would have saved it.
    private func readUntilLine(_ count: Int, path: String, resumingFrom checkpoint: LogPosition?) async throws -> LogPosition {
        let source = try LogFileAuditSource.start(.testing(path), resumingFrom: checkpoint)
        let collector = Collector.draining(source)
        await collector.waitForLines(count)
        source.stop()
        await collector.waitForFinish()
        #expect(collector.snapshot.lines.count == count)
        return try #require(collector.snapshot.positions.last ?? nil)
    }
}
