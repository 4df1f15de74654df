@testable import AgentRuntime
import Testing

/// The lines of `batch` with their flags, for comparing splits.
private func lines(_ batch: LogLineBatch) -> [Collector.Line] {
    batch.lines.indices.map { Collector.Line(bytes: Array(batch[line: $0]), flags: batch.lines[$0].flags) }
}

/// Feeds `chunks` and flushes at the end.
private func split(_ chunks: [[UInt8]], maximumLineLength: Int) -> [Collector.Line] {
    var splitter = LineSplitter(maximumLineLength: maximumLineLength)
    var result: [Collector.Line] = []
    for chunk in chunks {
        result += lines(splitter.split(chunk))
        #expect(splitter.pendingByteCount <= maximumLineLength + 1)
    }
    return result + lines(splitter.flush())
}

/// Record lines with CRLF, an empty line, NUL bytes, invalid UTF-8, a line cut at the limit,
/// a line one byte over it, and a last line without a line feed.
private let fixture: [UInt8] =
    Array("type=SYSCALL msg=audit(1.000:1): a=1\n".utf8)
    + Array("type=PATH msg=audit(1.000:1): name=\"x\"\r\n".utf8)
    + Array("\n".utf8)
    + [0x74, 0x00, 0xFF, 0xFE, 0x0D, 0x41, 0x0A]
    + Array(repeating: 0x42, count: 40) + [0x0A]
    + Array(repeating: 0x43, count: 41) + [0x0D, 0x0A]
    + Array(repeating: 0x44, count: 39) + [0x0D, 0x0D, 0x0A]
    + Array(repeating: 0x45, count: 100) + [0x0A]
    + Array("type=EOE msg=audit(1.000:1): ".utf8)

@Suite struct LineSplitterTests {
    @Test func splitsTheFixtureWhole() {
        let got = split([fixture], maximumLineLength: 40)
        let expected: [Collector.Line] = [
            .init(bytes: Array("type=SYSCALL msg=audit(1.000:1): a=1".utf8), flags: []),
            .init(bytes: Array("type=PATH msg=audit(1.000:1): name=\"x\"".utf8), flags: []),
            .init(bytes: [], flags: []),
            .init(bytes: [0x74, 0x00, 0xFF, 0xFE, 0x0D, 0x41], flags: []),
            .init(bytes: Array(repeating: 0x42, count: 40), flags: []),
            .init(bytes: Array(repeating: 0x43, count: 40), flags: .cut),
            .init(bytes: Array(repeating: 0x44, count: 39) + [0x0D], flags: []),
            .init(bytes: Array(repeating: 0x45, count: 40), flags: .cut),
            .init(bytes: Array("type=EOE msg=audit(1.000:1): ".utf8), flags: .unterminated),
        ]
        #expect(got == expected)
    }

    @Test func givesTheSameLinesByteByByte() {
        let whole = split([fixture], maximumLineLength: 40)
        #expect(split(fixture.map { [$0] }, maximumLineLength: 40) == whole)
    }

    @Test func givesTheSameLinesSplitAtEveryOffset() {
        let whole = split([fixture], maximumLineLength: 40)
        for offset in 0...fixture.count {
            let got = split([Array(fixture[..<offset]), Array(fixture[offset...])], maximumLineLength: 40)
            #expect(got == whole, "split at \(offset)")
        }
    }

    @Test func givesTheSameLinesSplitAtEveryPairOfOffsets() {
        let whole = split([fixture], maximumLineLength: 40)
        for first in stride(from: 0, through: fixture.count, by: 3) {
            for second in first...fixture.count {
                let chunks = [Array(fixture[..<first]), Array(fixture[first..<second]), Array(fixture[second...])]
                #expect(split(chunks, maximumLineLength: 40) == whole, "split at \(first), \(second)")
            }
        }
    }

    @Test func keepsAPartialLineUntilItsLineFeed() {
        var splitter = LineSplitter(maximumLineLength: 100)
        #expect(splitter.split(Array("type=EOE ms".utf8)).lines.isEmpty)
        #expect(splitter.pendingByteCount == 11)
        let batch = splitter.split(Array("g=audit(1.0:2): \nnext".utf8))
        #expect(lines(batch).map(\.bytes) == [Array("type=EOE msg=audit(1.0:2): ".utf8)])
        #expect(splitter.pendingByteCount == 4)
        #expect(lines(splitter.flush()) == [.init(bytes: Array("next".utf8), flags: .unterminated)])
        #expect(splitter.pendingByteCount == 0)
        #expect(splitter.flush().lines.isEmpty)
    }

    @Test func skipsTheRestOfACutLineAcrossChunks() {
        var splitter = LineSplitter(maximumLineLength: 4)
        let first = splitter.split(Array("abcdefgh".utf8))
        #expect(lines(first) == [.init(bytes: Array("abcd".utf8), flags: .cut)])
        #expect(splitter.isSkippingCutLine)
        #expect(splitter.split(Array("ijklmnop".utf8)).lines.isEmpty)
        #expect(splitter.pendingByteCount == 0)
        #expect(lines(splitter.split(Array("q\nok\n".utf8))) == [.init(bytes: Array("ok".utf8), flags: [])])
    }

    @Test func batchBytesHoldNoTrailingPartialLine() {
        var splitter = LineSplitter(maximumLineLength: 100)
        let batch = splitter.split(Array("one\ntwo\r\nthr".utf8))
        #expect(batch.bytes == Array("one\ntwo".utf8))
        #expect(batch.lines == [LogLine(start: 0, end: 3), LogLine(start: 4, end: 7)])
        batch.withLineBytes(1) { #expect(Array($0) == Array("two".utf8)) }
    }
}
