@testable import AgentRuntime
import Foundation
import Glibc
import Testing

/// A real process appending to a real spool, killed with SIGKILL at random moments.
@Suite struct SpoolCrashTests {
    /// `spool-crash-helper`, built by `swift test` beside the test binary.
    static var helperPath: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("spool-crash-helper").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/spool-crash-helper").path
    }

    /// Runs the helper from `start`, kills it after it reported `reports` appends (plus a random
    /// few microseconds, to land inside a write), and returns the highest sequence it reported.
    func appendUntilKilled(spool: String, start: UInt64, reports: Int, policy: String) throws -> UInt64? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.helperPath)
        process.arguments = ["append", spool, String(start), "2048", policy]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let fd = output.fileHandleForReading.fileDescriptor
        var text: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        func readSome() -> Bool {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count > 0 { text += buffer[..<count] }
            return count > 0
        }
        while text.count(where: { $0 == UInt8(ascii: "\n") }) < reports, readSome() {}
        usleep(UInt32.random(in: 0...300))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        while readSome() {}
        #expect(process.terminationReason == .uncaughtSignal, "the helper stopped before it was killed")
        return String(decoding: text, as: UTF8.self).split(separator: "\n").compactMap { UInt64($0) }.max()
    }

    @Test(arguments: ["never", "batch"])
    func killedWhileAppendingLosesNothingWrittenAndKeepsNoPartialBatch(policy: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let path = directory.path + "/spool"
        let configuration = DiskSpool.Configuration(directory: path, maxSegmentBytes: 2048, maxTotalBytes: 1 << 30, syncPolicy: .never)
        var next: UInt64 = 0
        for round in 0..<8 {
            let reported = try appendUntilKilled(spool: path, start: next, reports: Int.random(in: 1...150), policy: policy)
            let spool = try DiskSpool(configuration)
            let replayed = try readAll(spool)
            spool.close()
            #expect(replayed.errors.isEmpty)
            let sequences = replayed.batches.map(\.batch.sequence)
            // Every batch the helper reported is there, once, in order, whole.
            #expect(sequences == Array(0..<UInt64(sequences.count)), "round \(round)")
            #expect(replayed.batches.allSatisfy { $0.batch == testBatch($0.batch.sequence) })
            if let reported { #expect(UInt64(sequences.count) > reported, "round \(round): reported \(reported) not replayed") }
            next = UInt64(sequences.count)
        }
        #expect(next > 8)
        let spool = try DiskSpool(configuration)
        let replayed = try readAll(spool).batches
        try spool.release(through: replayed.last!.location)
        #expect(directory.segmentNames().isEmpty)
    }
}
