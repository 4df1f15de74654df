import AgentRuntime
import Glibc
import Logging

/// Test helper for SpoolTests, killed with SIGKILL by the tests at random moments.
///
/// `append DIRECTORY START SEGMENT-BYTES always|batch|never`: appends batches `START`,
/// `START + 1`, … to the spool in DIRECTORY, printing each sequence once its append returned.
///
/// `ship DIRECTORY START SEED`: runs a ``Shipper`` from DIRECTORY/spool to a
/// ``DirectoryBatchSink`` in DIRECTORY/sink, submitting batches from START on like a reader
/// resuming from its checkpoint, storing the checkpoint (the last acknowledged sequence, in
/// decimal) in DIRECTORY/checkpoint, and switching the sink's REFUSE file on and off at random.

/// The same batches as `testBatch` in Tests/SpoolTests/TestSupport.swift.
func testBatch(_ sequence: UInt64) -> ShipBatch {
    let size = Int(sequence &* 37 % 300) + 1
    let payload = (0..<size).map { UInt8(truncatingIfNeeded: sequence &+ UInt64($0)) }
    let position = withUnsafeBytes(of: sequence.littleEndian) { Array($0) }
    return ShipBatch(sequence: sequence, eventCount: UInt32(sequence % 5 + 1), payload: payload, position: position)
}

func printLine(_ message: String, to descriptor: Int32 = 1) {
    let line = Array((message + "\n").utf8)
    _ = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
}

func fail(_ message: String) -> Never {
    printLine("spool-crash-helper: " + message, to: 2)
    exit(2)
}

/// Writes `text` to `path` through a temporary file and rename(2): whole or not at all.
func replaceFile(_ path: String, with text: String) {
    let temporary = path + ".tmp"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else { fail("open \(temporary)") }
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
    guard rename(temporary, path) == 0 else { fail("rename \(temporary)") }
}

func append(directory: String, start: UInt64, segmentBytes: Int, policy: DiskSpool.SyncPolicy) throws {
    let spool = try DiskSpool(
        DiskSpool.Configuration(directory: directory, maxSegmentBytes: segmentBytes, maxTotalBytes: 1 << 30, syncPolicy: policy)
    )
    var sequence = start
    while true {
        try spool.append([testBatch(sequence)])
        printLine("\(sequence)")
        sequence += 1
    }
}

func ship(directory: String, start: UInt64, seed: UInt64) async throws {
    let sink = try DirectoryBatchSink(directory: directory + "/sink")
    let checkpointPath = directory + "/checkpoint"
    let (shipper, input) = Shipper.make(
        .init(
            spool: .init(directory: directory + "/spool", maxSegmentBytes: 2048, maxTotalBytes: 1 << 30, syncPolicy: .never),
            machine: .init(queueCapacity: 4, initialBackoff: .milliseconds(1), maxBackoff: .milliseconds(5), seed: seed),
            inputCapacity: 1 << 20
        ),
        sink: sink, logger: Logger(label: "spool-crash-helper", factory: { _ in SwiftLogNoOpLogHandler() })
    ) { position in
        let sequence = position.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        replaceFile(checkpointPath, with: "\(sequence)")
    }
    try await withThrowingTaskGroup { group in
        group.addTask { try await shipper.run() }
        var random = seed | 1
        var sequence = start
        let refuse = directory + "/sink/" + DirectoryBatchSink.refuseFileName
        while true {
            input.submit(testBatch(sequence))
            sequence += 1
            random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            if random >> 59 == 0 {
                if access(refuse, F_OK) == 0 { unlink(refuse) } else { close(open(refuse, O_CREAT | O_WRONLY, 0o600)) }
            }
            try await Task.sleep(for: .milliseconds(1))
        }
    }
}

let arguments = CommandLine.arguments
do {
    switch arguments.dropFirst().first {
    case "append":
        guard arguments.count == 6, let start = UInt64(arguments[3]), let segmentBytes = Int(arguments[4]),
            let policy = DiskSpool.SyncPolicy(rawValue: arguments[5])
        else { fail("usage: spool-crash-helper append DIRECTORY START SEGMENT-BYTES always|batch|never") }
        try append(directory: arguments[2], start: start, segmentBytes: segmentBytes, policy: policy)
    case "ship":
        guard arguments.count == 5, let start = UInt64(arguments[3]), let seed = UInt64(arguments[4])
        else { fail("usage: spool-crash-helper ship DIRECTORY START SEED") }
        try await ship(directory: arguments[2], start: start, seed: seed)
    default:
        fail("usage: spool-crash-helper append|ship …")
    }
} catch {
    fail("\(error)")
}
