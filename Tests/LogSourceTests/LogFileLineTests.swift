@testable import AgentRuntime
import Glibc
import Testing

/// Partial, over-long and binary lines in a followed file.
@Suite struct LogFileLineTests {
    @Test func completesAPartialLastLineLater() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("audit.log")
        let writer = try AppendingWriter(path)
        writer.write(lines: records(0..<3))
        writer.write("type=EOE msg=audit(1700000000.0")
        // Long enough that a loaded machine cannot make the partial line time out meanwhile:
        // this test is about completing it, deliversAPartialLineAfterTheTimeout about the timeout.
        var configuration = LogFileAuditSource.Configuration.testing(path)
        configuration.partialLineTimeout = .seconds(600)
        let source = try LogFileAuditSource.start(configuration, resumingFrom: nil)
        defer { source.stop() }
        let collector = Collector.draining(source)
        await collector.waitForLines(3)
        // The source now sits at the end of the file with the partial line pending.
        let checkpoint = try #require(collector.snapshot.positions.last ?? nil)
        #expect(checkpoint.offset == Int64(records(0..<3).joined(separator: "\n").utf8.count + 1), "a checkpoint points before the partial line")
        writer.write("00:7): \n")
        let lines = await collector.lines(4, thenStopping: source)
        #expect(lines.last == .init(bytes: Array("type=EOE msg=audit(1700000000.000:7): ".utf8), flags: []))
        #expect(lines.count == 4)
    }

    @Test func deliversAPartialLineAfterTheTimeout() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("audit.log")
        try AppendingWriter(path).write(record(0) + "\n" + "type=EOE partial")
        var configuration = LogFileAuditSource.Configuration.testing(path)
        configuration.partialLineTimeout = .milliseconds(100)
        let source = try LogFileAuditSource.start(configuration, resumingFrom: nil)
        defer { source.stop() }
        let collector = Collector.draining(source)
        let lines = await collector.lines(2, thenStopping: source)
        #expect(lines.map(\.text) == [record(0), "type=EOE partial"])
        #expect(lines.map(\.flags) == [[], .unterminated])
        #expect(source.counters.unterminatedLines == 1)
    }

    @Test func cutsAnOverlongLineAndGoesOn() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("audit.log")
        let writer = try AppendingWriter(path)
        writer.write(lines: records(0..<2))
        writer.write("type=EXECVE msg=audit(1.0:1): a0=\"" + String(repeating: "A", count: 10_000) + "\"\n")
        writer.write(lines: records(2..<4))
        var configuration = LogFileAuditSource.Configuration.testing(path)
        configuration.maximumLineLength = 1024
        configuration.chunkSize = 700
        let source = try LogFileAuditSource.start(configuration, resumingFrom: nil)
        defer { source.stop() }
        let collector = Collector.draining(source)
        let lines = await collector.lines(5, thenStopping: source)
        #expect(lines.count == 5)
        #expect(lines[2].flags == .cut)
        #expect(lines[2].bytes.count == 1024)
        #expect(lines[2].text.hasPrefix("type=EXECVE msg=audit(1.0:1): a0=\"AAAA"))
        #expect([lines[0], lines[1], lines[3], lines[4]].map(\.text) == records(0..<4))
        #expect(source.counters.cutLines == 1)
    }

    @Test func passesBinaryGarbageAndNULBytesThrough() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("audit.log")
        let writer = try AppendingWriter(path)
        var generator = SystemRandomNumberGenerator()
        let garbage = (0..<5000).map { _ in UInt8.random(in: 0...255, using: &generator) }.filter { $0 != 0x0A }
        writer.write(bytes: garbage + [0x0A])
        writer.write(bytes: [0x00, 0x00, 0x0A, 0xC3, 0x28, 0x0A])
        writer.write(lines: records(0..<3))
        var configuration = LogFileAuditSource.Configuration.testing(path)
        configuration.maximumLineLength = 8192
        let source = try LogFileAuditSource.start(configuration, resumingFrom: nil)
        defer { source.stop() }
        let collector = Collector.draining(source)
        let lines = await collector.lines(6, thenStopping: source)
        let expectedGarbage = garbage.last == 0x0D ? Array(garbage.dropLast()) : garbage
        #expect(lines[0].bytes == expectedGarbage)
        #expect(lines[1].bytes == [0x00, 0x00])
        #expect(lines[2].bytes == [0xC3, 0x28])
        #expect(lines[3...].map(\.text) == records(0..<3))
    }

    @Test func stopsPromptlyWhileWaitingForGrowth() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("audit.log")
        try AppendingWriter(path).write(lines: records(0..<1))
        var configuration = LogFileAuditSource.Configuration.testing(path)
        configuration.pollInterval = .seconds(60)
        let source = try LogFileAuditSource.start(configuration, resumingFrom: nil)
        let collector = Collector.draining(source)
        await collector.waitForLines(1)
        let clock = ContinuousClock()
        let elapsed = clock.measure { source.stop() }
        #expect(elapsed < .seconds(2))
        await collector.waitForFinish()
        #expect(source.counters.failure == nil)
    }
}
