@testable import AgentRuntime
import Foundation
import Glibc

/// The batch with sequence `sequence`, the same in the tests and in `spool-crash-helper`:
/// payload sizes vary so records cross segment boundaries at different offsets.
func testBatch(_ sequence: UInt64) -> ShipBatch {
    let size = Int(sequence &* 37 % 300) + 1
    let payload = (0..<size).map { UInt8(truncatingIfNeeded: sequence &+ UInt64($0)) }
    let position = withUnsafeBytes(of: sequence.littleEndian) { Array($0) }
    return ShipBatch(sequence: sequence, eventCount: UInt32(sequence % 5 + 1), payload: payload, position: position)
}

/// A new empty directory under the system temporary directory, removed by `cleanUp()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/herdwatch-spool-XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else { throw Errno(errno) }
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func cleanUp() {
        try? FileManager.default.removeItem(atPath: path)
    }

    func segmentNames(_ subdirectory: String = "spool") -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path + "/" + subdirectory)) ?? [])
            .filter { $0.hasSuffix(".seg") }.sorted()
    }
}

struct ConditionTimedOut: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting until \(what)" }
}

/// Waits until `condition` holds, checking every few milliseconds, for at most `timeout`
/// (generous: the shipper under test shares two cores with the rest of the suite).
func waitUntil(
    _ what: String, timeout: Duration = .seconds(180), _ condition: () throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while try !condition() {
        guard ContinuousClock.now < deadline else { throw ConditionTimedOut(what: what) }
        try await Task.sleep(for: .milliseconds(5))
    }
}

/// Reads everything replay returns, releasing nothing.
func readAll(_ spool: DiskSpool) throws -> (batches: [SpooledBatch], errors: [SpoolError]) {
    var batches: [SpooledBatch] = []
    var errors: [SpoolError] = []
    while let read = try spool.readNext() {
        switch read {
        case .batch(let spooled): batches.append(spooled)
        case .corrupted(let error): errors.append(error)
        }
    }
    return (batches, errors)
}

/// The sequences a ``DirectoryBatchSink`` logged as delivered, in order.
func deliveries(_ directory: String) -> [UInt64] {
    guard let text = try? String(contentsOfFile: directory + "/" + DirectoryBatchSink.deliveriesFileName, encoding: .utf8)
    else { return [] }
    return text.split(separator: "\n").compactMap { UInt64($0) }
}
