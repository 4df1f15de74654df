@testable import AgentRuntime
import Foundation
import Logging
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

/// The shipper against a real ``DirectoryBatchSink`` and a real spool.
@Suite struct ShipperTests {
    func make(_ directory: TemporaryDirectory, capacity: Int = 1024) throws -> (Shipper, Shipper.Input, DirectoryBatchSink) {
        let sink = try DirectoryBatchSink(directory: directory.path + "/sink")
        let configuration = Shipper.Configuration(
            spool: .init(directory: directory.path + "/spool", maxSegmentBytes: 4096, maxTotalBytes: 1 << 24, syncPolicy: .never),
            machine: .init(queueCapacity: 4, initialBackoff: .milliseconds(2), maxBackoff: .milliseconds(20), jitter: 0.5, seed: 42),
            inputCapacity: capacity
        )
        let (shipper, input) = Shipper.make(configuration, sink: sink, logger: Logger(label: "test.shipper"))
        return (shipper, input, sink)
    }

    func refuse(_ sink: DirectoryBatchSink, _ refusing: Bool) {
        let path = sink.directory + "/" + DirectoryBatchSink.refuseFileName
        if refusing {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        } else {
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    func expectDeliveredOnceInOrder(_ sink: DirectoryBatchSink, _ sequences: Range<UInt64>) throws {
        #expect(deliveries(sink.directory) == Array(sequences))
        for sequence in sequences {
            let stored = try Data(contentsOf: URL(fileURLWithPath: sink.directory + "/" + DirectoryBatchSink.fileName(sequence)))
            #expect(Array(stored) == testBatch(sequence).payload)
        }
    }

    @Test func sinkDownForAWhileThenBackDeliversEveryBatchOnceInOrder() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let (shipper, input, sink) = try make(directory)
        refuse(sink, true)
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup { group in
                group.addTask { try await shipper.run() }
                for sequence in UInt64(0)..<150 { #expect(input.submit(testBatch(sequence))) }
                try await waitUntil("150 batches are spooled") { shipper.statistics.snapshot.spooledBatches >= 150 }
                #expect(shipper.statistics.snapshot.spooledBatches == 150)
                #expect(shipper.statistics.snapshot.failedCopies > 0)
                #expect(shipper.statistics.snapshot.checkpoint == testBatch(149).position)
                refuse(sink, false)
                for sequence in UInt64(150)..<300 { #expect(input.submit(testBatch(sequence))) }
                try await waitUntil("all are delivered") { deliveries(sink.directory).count >= 300 }
                try await waitUntil("the spool is empty") { shipper.statistics.snapshot.spoolBytes == 0 }
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        try expectDeliveredOnceInOrder(sink, 0..<300)
        #expect(shipper.statistics.snapshot.finished)
        #expect(shipper.statistics.snapshot.checkpoint == testBatch(299).position)
        #expect(directory.segmentNames().isEmpty)
    }

    @Test func shutdownWhileTheSinkRefusesKeepsBatchesInTheSpoolForTheNextRun() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        do {
            let (shipper, input, sink) = try make(directory)
            refuse(sink, true)
            try await testGracefulShutdown { trigger in
                try await withThrowingTaskGroup { group in
                    group.addTask { try await shipper.run() }
                    for sequence in UInt64(0)..<40 { input.submit(testBatch(sequence)) }
                    try await waitUntil("batches are spooled") { shipper.statistics.snapshot.spooledBatches == 40 }
                    trigger.triggerGracefulShutdown()
                    try await group.waitForAll()
                }
            }
            #expect(shipper.statistics.snapshot.finished)
            #expect(deliveries(sink.directory).isEmpty)
            #expect(!directory.segmentNames().isEmpty)
            refuse(sink, false)
        }
        // The next run replays the spool before the new batches, which queue behind it.
        let (shipper, input, sink) = try make(directory)
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup { group in
                group.addTask { try await shipper.run() }
                for sequence in UInt64(40)..<60 { input.submit(testBatch(sequence)) }
                try await waitUntil("all are delivered") { deliveries(sink.directory).count >= 60 }
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        try expectDeliveredOnceInOrder(sink, 0..<60)
        #expect(directory.segmentNames().isEmpty)
    }

    /// A segment damaged between two runs: reported and counted, the other segments replayed.
    @Test func aCorruptSegmentIsSkippedAndTheOthersAreDelivered() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        do {
            let (shipper, input, sink) = try make(directory)
            refuse(sink, true)
            try await testGracefulShutdown { trigger in
                try await withThrowingTaskGroup { group in
                    group.addTask { try await shipper.run() }
                    for sequence in UInt64(0)..<100 { input.submit(testBatch(sequence)) }
                    try await waitUntil("batches are spooled") { shipper.statistics.snapshot.spooledBatches == 100 }
                    trigger.triggerGracefulShutdown()
                    try await group.waitForAll()
                }
            }
            refuse(sink, false)
        }
        let segments = directory.segmentNames()
        #expect(segments.count >= 3)
        let damaged = directory.path + "/spool/" + segments[1]
        var bytes = try Data(contentsOf: URL(fileURLWithPath: damaged))
        bytes[40] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: damaged))

        let (shipper, _, sink) = try make(directory)
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup { group in
                group.addTask { try await shipper.run() }
                try await waitUntil("the spool is drained") { directory.segmentNames().isEmpty }
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        let delivered = deliveries(sink.directory)
        #expect(shipper.statistics.snapshot.spool.corruptSegments == 1)
        #expect(delivered == delivered.sorted() && delivered.first == 0 && delivered.last == 99)
        #expect(delivered.count < 100 && delivered.count > 50)
    }

    /// A long outage with a small spool: the oldest batches are dropped and counted, the disk
    /// stays bounded, and every batch is either delivered once, in order, or counted as dropped.
    @Test func aFullSpoolDropsTheOldestAndEveryBatchIsDeliveredOrCounted() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let sink = try DirectoryBatchSink(directory: directory.path + "/sink")
        let limit = 8192
        let (shipper, input) = Shipper.make(
            .init(
                spool: .init(directory: directory.path + "/spool", maxSegmentBytes: 2048, maxTotalBytes: limit, syncPolicy: .never),
                machine: .init(queueCapacity: 4, initialBackoff: .milliseconds(2), maxBackoff: .milliseconds(10)),
                inputCapacity: 1024
            ),
            sink: sink, logger: Logger(label: "test.shipper")
        )
        refuse(sink, true)
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup { group in
                group.addTask { try await shipper.run() }
                for sequence in UInt64(0)..<500 { #expect(input.submit(testBatch(sequence))) }
                try await waitUntil("500 batches are spooled") { shipper.statistics.snapshot.spooledBatches >= 500 }
                #expect(shipper.statistics.snapshot.spoolBytes <= limit)
                #expect(shipper.statistics.snapshot.spool.droppedBatches > 400)
                refuse(sink, false)
                try await waitUntil("the spool is drained") {
                    shipper.statistics.snapshot.spoolBytes == 0 && directory.segmentNames().isEmpty
                }
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        let delivered = deliveries(sink.directory)
        let counters = try DiskSpool(.init(directory: directory.path + "/spool")).counters
        #expect(delivered == delivered.sorted() && Set(delivered).count == delivered.count)
        #expect(UInt64(delivered.count) + counters.droppedBatches == 500)
        let droppedEvents = (0..<500).filter { !delivered.contains($0) }.reduce(UInt64(0)) { $0 + UInt64(testBatch($1).eventCount) }
        #expect(counters.droppedEvents == droppedEvents)
        #expect(delivered.last == 499)
    }

    @Test func aBatchTheSinkRejectsForGoodIsCountedAndDoesNotBlockTheRest() async throws {
        struct RejectingOdd: BatchSink {
            let inner: DirectoryBatchSink
            func ship(_ batch: ShipBatch) async throws {
                if batch.sequence % 2 == 1 { throw BatchSinkError(.rejected, operation: "test") }
                try await inner.ship(batch)
            }
        }
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let sink = try DirectoryBatchSink(directory: directory.path + "/sink")
        let (shipper, input) = Shipper.make(
            .init(spool: .init(directory: directory.path + "/spool")), sink: RejectingOdd(inner: sink), logger: Logger(label: "test")
        )
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup { group in
                group.addTask { try await shipper.run() }
                for sequence in UInt64(0)..<10 { input.submit(testBatch(sequence)) }
                try await waitUntil("every batch is stored or rejected") {
                    deliveries(sink.directory).count + Int(shipper.statistics.snapshot.rejectedBatches) >= 10
                }
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        #expect(deliveries(sink.directory) == [0, 2, 4, 6, 8])
        #expect(shipper.statistics.snapshot.rejectedBatches == 5)
    }
}
