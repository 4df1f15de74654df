@testable import AgentRuntime
import Foundation
import Testing

/// Real segment files in a temporary directory.
@Suite struct DiskSpoolTests {
    func configuration(_ directory: TemporaryDirectory, segment: Int = 1024, total: Int = 1 << 20) -> DiskSpool.Configuration {
        DiskSpool.Configuration(directory: directory.path + "/spool", maxSegmentBytes: segment, maxTotalBytes: total, syncPolicy: .never)
    }

    @Test(arguments: DiskSpool.SyncPolicy.allCases)
    func roundTripInOrderAcrossSegmentsAndReopen(policy: DiskSpool.SyncPolicy) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        var configuration = configuration(directory)
        configuration.syncPolicy = policy
        let batches = (0..<50).map(testBatch)
        do {
            let spool = try DiskSpool(configuration)
            try spool.append(Array(batches[..<20]))
            for batch in batches[20...] { try spool.append([batch]) }
            #expect(spool.hasUnread)
            #expect(try readAll(spool).batches.map(\.batch) == batches)
            #expect(!spool.hasUnread)
            spool.close()
        }
        #expect(directory.segmentNames().count > 3)
        let reopened = try DiskSpool(configuration)
        let replayed = try readAll(reopened).batches
        #expect(replayed.map(\.batch) == batches)
        try reopened.release(through: replayed.last!.location)
        #expect(directory.segmentNames().isEmpty)
        #expect(reopened.totalBytes == 0)
    }

    @Test func appendsWhileReplayingAreReadAfterwards() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let spool = try DiskSpool(configuration(directory))
        var seen: [UInt64] = []
        var next: UInt64 = 0
        for _ in 0..<30 {
            try spool.append([testBatch(next), testBatch(next + 1)])
            next += 2
            guard case .batch(let spooled)? = try spool.readNext() else { Issue.record("nothing to read"); return }
            seen.append(spooled.batch.sequence)
            try spool.release(through: spooled.location)
        }
        seen += try readAll(spool).batches.map(\.batch.sequence)
        #expect(seen == Array(0..<60))
    }

    @Test func releaseDeletesOnlyFullyAcknowledgedSegments() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let spool = try DiskSpool(configuration(directory))
        try spool.append((0..<40).map(testBatch))
        let replayed = try readAll(spool).batches
        let before = directory.segmentNames()
        let acknowledged = replayed[14]
        try spool.release(through: acknowledged.location)
        let after = directory.segmentNames()
        let partly = replayed.contains { $0.location.segment == acknowledged.location.segment && $0.location.end > acknowledged.location.end }
        #expect(after == before.filter {
            let number = DiskSpool.segmentNumber($0)!
            return number > acknowledged.location.segment || (number == acknowledged.location.segment && partly)
        })
        #expect(after.count < before.count)
        spool.close()
        // The partly acknowledged segment is replayed again from its start (at-least-once).
        let again = try readAll(try DiskSpool(configuration(directory))).batches.map(\.batch.sequence)
        let first = try #require(again.first)
        #expect(first <= 15)
        #expect(again == Array(first..<40))
    }

    @Test func fullSpoolDropsOldestSegmentsAndCountsTheLoss() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let configuration = configuration(directory, segment: 1024, total: 4096)
        let batches = (0..<100).map(testBatch)
        let spool = try DiskSpool(configuration)
        for batch in batches { try spool.append([batch]) }
        #expect(spool.totalBytes <= 4096)
        let kept = try readAll(spool).batches.map(\.batch)
        #expect(!kept.isEmpty && kept.last == batches.last)
        let dropped = batches.prefix(100 - kept.count)
        #expect(kept == Array(batches.suffix(kept.count)))
        let expected = (
            UInt64(dropped.count), dropped.reduce(UInt64(0)) { $0 + UInt64($1.eventCount) },
            dropped.reduce(UInt64(0)) { $0 + UInt64(SpoolRecord.encode($1).count) }
        )
        #expect((spool.counters.droppedBatches, spool.counters.droppedEvents, spool.counters.droppedBytes) == expected)
        spool.close()
        #expect(try DiskSpool(configuration).counters == spool.counters)
    }

    @Test func droppingTheSegmentBeingReplayedCountsOnlyWhatWasNotRead() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let spool = try DiskSpool(configuration(directory, segment: 1024, total: 2048))
        try spool.append((0..<6).map(testBatch))
        guard case .batch(let first)? = try spool.readNext() else { Issue.record("nothing to read"); return }
        #expect(first.batch.sequence == 0)
        try spool.append((6..<40).map(testBatch))
        let rest = try readAll(spool).batches.map(\.batch.sequence)
        #expect(rest == Array(rest.first!..<40))
        #expect(spool.counters.droppedBatches == UInt64(rest.first! - 1))
    }

    @Test func aBatchLargerThanTheSpoolIsDroppedAndCounted() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let spool = try DiskSpool(configuration(directory, segment: 1024, total: 2048))
        let huge = ShipBatch(sequence: 1, eventCount: 7, payload: [UInt8](repeating: 1, count: 3000))
        try spool.append([huge, testBatch(2)])
        #expect(try readAll(spool).batches.map(\.batch) == [testBatch(2)])
        #expect(spool.counters.droppedBatches == 1 && spool.counters.droppedEvents == 7)
    }
}
