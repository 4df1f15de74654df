@testable import AgentRuntime
import Foundation
import Testing

/// Torn tails after a crash and corrupt segments, made by editing real segment files.
@Suite struct DiskSpoolDamageTests {
    func configuration(_ directory: TemporaryDirectory) -> DiskSpool.Configuration {
        DiskSpool.Configuration(directory: directory.path + "/spool", maxSegmentBytes: 1024, maxTotalBytes: 1 << 20, syncPolicy: .never)
    }

    func segmentPath(_ directory: TemporaryDirectory, _ number: UInt64) -> String {
        directory.path + "/spool/" + DiskSpool.segmentName(number)
    }

    /// Every prefix of the last record, as a crash in the middle of its write leaves it.
    @Test func tornTailIsCutAtEveryOffset() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let batches = (0..<3).map(testBatch)
        let spool = try DiskSpool(configuration(directory))
        try spool.append(batches)
        spool.close()
        let path = segmentPath(directory, 1)
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        let last = SpoolRecord.encode(batches[2]).count
        for cut in 1..<last {
            try whole.prefix(whole.count - last + cut).write(to: URL(fileURLWithPath: path))
            try? FileManager.default.removeItem(atPath: directory.path + "/spool/counters")
            let reopened = try DiskSpool(configuration(directory))
            #expect(reopened.counters.tornTails == 1 && reopened.counters.tornBytes == UInt64(cut))
            #expect(try readAll(reopened).batches.map(\.batch) == Array(batches[..<2]))
            #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int == whole.count - last)
        }
        // Appends after the cut go on, in order, in a new segment.
        let reopened = try DiskSpool(configuration(directory))
        try reopened.append([batches[2]])
        #expect(try readAll(reopened).batches.map(\.batch) == batches)
        #expect(directory.segmentNames().count == 2)
    }

    /// A flipped byte in the header or the body of a record in a middle segment: reported with
    /// the segment name and offset, the rest of that segment skipped, every other segment replayed.
    @Test(arguments: [9, 20, 40])
    func corruptMiddleSegmentIsReportedAndSkipped(byteInRecord: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let batches = (0..<40).map(testBatch)
        let spool = try DiskSpool(configuration(directory))
        try spool.append(batches)
        let clean = try readAll(spool).batches
        spool.close()
        let segments = Set(clean.map(\.location.segment)).sorted()
        #expect(segments.count >= 4)
        let damaged = segments[1]
        let offset = try #require(clean.first { $0.location.segment == damaged }).location.end
        try flipByte(at: offset + byteInRecord, in: segmentPath(directory, damaged))

        let reopened = try DiskSpool(configuration(directory))
        let (replayed, errors) = try readAll(reopened)
        #expect(errors.count == 1)
        #expect(errors.first?.code == .corruptRecord)
        #expect(errors.first?.segment == DiskSpool.segmentName(damaged))
        #expect(errors.first?.offset == offset)
        let expected = clean.filter { $0.location.segment != damaged || $0.location.end <= offset }
        #expect(replayed == expected)
        #expect(reopened.counters.corruptSegments == 1)
        try reopened.release(through: replayed.last!.location)
        #expect(directory.segmentNames().isEmpty)
    }

    @Test func segmentCorruptFromItsFirstByteIsDeletedWhenSkipped() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let batches = (0..<40).map(testBatch)
        let spool = try DiskSpool(configuration(directory))
        try spool.append(batches)
        spool.close()
        try flipByte(at: 0, in: segmentPath(directory, 2))
        let reopened = try DiskSpool(configuration(directory))
        let (replayed, errors) = try readAll(reopened)
        #expect(errors.map(\.offset) == [0])
        #expect(!replayed.contains { $0.location.segment == 2 })
        #expect(replayed.map(\.batch.sequence) == replayed.map(\.batch.sequence).sorted())
        #expect(!directory.segmentNames().contains(DiskSpool.segmentName(2)))
    }

    func flipByte(at offset: Int, in path: String) throws {
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[offset] ^= 0x5A
        try bytes.write(to: URL(fileURLWithPath: path))
    }
}
