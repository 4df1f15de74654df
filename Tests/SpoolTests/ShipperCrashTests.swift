@testable import AgentRuntime
import Foundation
import Glibc
import Logging
import ServiceLifecycleTestKit
import Testing

/// A real shipper process, shipping to a directory sink that refuses at random and spooling,
/// killed with SIGKILL at random moments and restarted from its checkpoint.
@Suite struct ShipperCrashTests {
    func checkpoint(_ directory: TemporaryDirectory) -> UInt64? {
        (try? String(contentsOfFile: directory.path + "/checkpoint", encoding: .utf8)).flatMap { UInt64($0) }
    }

    @Test func killedWhileShippingAndSpoolingLosesNothingAndStoresEachBatchOnce() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        var spoolsAtKill: [Int] = []
        for round in 0..<5 {
            let start = checkpoint(directory).map { $0 + 1 } ?? 0
            let process = Process()
            process.executableURL = URL(fileURLWithPath: SpoolCrashTests.helperPath)
            process.arguments = ["ship", directory.path, String(start), String(round + 1)]
            try process.run()
            let target = start + UInt64.random(in: 5...100)
            try await waitUntil("round \(round) checkpoints \(target)") { (checkpoint(directory) ?? 0) >= target }
            usleep(UInt32.random(in: 0...3000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal, "round \(round): the helper stopped before it was killed")
            spoolsAtKill.append(directory.segmentNames().count)
        }
        #expect(spoolsAtKill.contains { $0 > 0 }, "the spool was never used: \(spoolsAtKill)")
        let acknowledged = try #require(checkpoint(directory))

        // Restart with the sink accepting: the spool drains.
        let sink = try DirectoryBatchSink(directory: directory.path + "/sink")
        try? FileManager.default.removeItem(atPath: sink.directory + "/" + DirectoryBatchSink.refuseFileName)
        let (shipper, _) = Shipper.make(
            .init(spool: .init(directory: directory.path + "/spool", maxSegmentBytes: 2048, syncPolicy: .never)),
            sink: sink, logger: Logger(label: "test.shipper")
        )
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup { group in
                group.addTask { try await shipper.run() }
                try await waitUntil("the spool is drained") { directory.segmentNames().isEmpty }
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }

        // Nothing acknowledged is lost, and each batch is stored once, whole (one file per sequence).
        let stored = try FileManager.default.contentsOfDirectory(atPath: sink.directory).filter { $0.hasSuffix(".batch") }
        let sequences = Set(stored.compactMap { UInt64($0.dropLast(".batch".count)) })
        #expect(sequences.count == stored.count)
        let missing = (0...acknowledged).filter { !sequences.contains($0) }
        #expect(missing.isEmpty, "acknowledged but not stored: \(missing.prefix(20))")
        for sequence in sequences {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: sink.directory + "/" + DirectoryBatchSink.fileName(sequence)))
            #expect(Array(bytes) == testBatch(sequence).payload)
        }
        // In order: each batch's first delivery comes after the first delivery of every older one.
        var firsts: [UInt64] = []
        var seen = Set<UInt64>()
        for sequence in deliveries(sink.directory) where seen.insert(sequence).inserted { firsts.append(sequence) }
        #expect(firsts == firsts.sorted())
    }
}
