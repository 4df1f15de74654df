import AgentRuntime
import Glibc

/// Test helper for SpoolTests: appends batches `start`, `start + 1`, … to the spool in
/// `directory`, one append per batch, and prints each sequence once its append returned,
/// until the test kills it with SIGKILL.
///
/// Usage: spool-crash-helper DIRECTORY START SEGMENT-BYTES SYNC-POLICY

/// The same batches as `testBatch` in Tests/SpoolTests/TestSupport.swift.
func testBatch(_ sequence: UInt64) -> ShipBatch {
    let size = Int(sequence &* 37 % 300) + 1
    let payload = (0..<size).map { UInt8(truncatingIfNeeded: sequence &+ UInt64($0)) }
    let position = withUnsafeBytes(of: sequence.littleEndian) { Array($0) }
    return ShipBatch(sequence: sequence, eventCount: UInt32(sequence % 5 + 1), payload: payload, position: position)
}

func printError(_ message: String) {
    let line = Array((message + "\n").utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

let arguments = CommandLine.arguments
guard arguments.count == 5, let start = UInt64(arguments[2]), let segmentBytes = Int(arguments[3]),
    let policy = DiskSpool.SyncPolicy(rawValue: arguments[4])
else {
    printError("usage: spool-crash-helper DIRECTORY START SEGMENT-BYTES always|batch|never")
    exit(2)
}
do {
    let spool = try DiskSpool(
        DiskSpool.Configuration(directory: arguments[1], maxSegmentBytes: segmentBytes, maxTotalBytes: 1 << 30, syncPolicy: policy)
    )
    var sequence = start
    while true {
        try spool.append([testBatch(sequence)])
        let line = Array("\(sequence)\n".utf8)
        _ = line.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
        sequence += 1
    }
} catch {
    printError("spool-crash-helper: \(error)")
    exit(1)
}
