import AuditCore
import FleetModel
import Foundation

/// Where the shared test corpus is: `../shared/corpus` relative to the repository root,
/// found by walking up from this file. nil when it is absent (tests then say they skipped).
let corpusDirectory: URL? = {
    var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    for _ in 0..<6 {
        let candidate = dir.deletingLastPathComponent().appendingPathComponent("shared/corpus")
        if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("PROVENANCE.md").path) {
            return candidate
        }
        dir = dir.deletingLastPathComponent()
    }
    return nil
}()

func corpusFile(_ relative: String) -> [UInt8]? {
    guard let corpusDirectory else {
        print("note: shared/corpus not found next to the repository; skipping \(relative)")
        return nil
    }
    return try? Array(Data(contentsOf: corpusDirectory.appendingPathComponent(relative)))
}

func fixture(_ name: String) throws -> [UInt8] {
    guard let url = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil) else {
        throw CocoaError(.fileNoSuchFile)
    }
    return Array(try Data(contentsOf: url))
}

/// What the decoder emitted, in order.
enum Decoded: Equatable {
    case event(AuditEvent)
    case malformed(String, [UInt8])
}

/// Runs `bytes` through an ``AuditLogDecoder`` in chunks cut at `cuts` (offsets), then ends the stream.
func decode(
    _ bytes: [UInt8], cuts: [Int] = [], configuration: AuditEventAssembler.Configuration = .init()
) -> (outputs: [Decoded], statistics: AuditLogDecoder.Statistics) {
    var decoder = AuditLogDecoder(configuration: configuration)
    var out: [Decoded] = []
    let emit: (AuditLogDecoder.Output) -> Void = { o in
        switch o {
        case .event(let e): out.append(.event(e))
        case .malformed(let r, let b): out.append(.malformed(r.rawValue, b))
        }
    }
    var start = 0
    for cut in cuts.map({ min($0, bytes.count) }) + [bytes.count] where cut >= start {
        bytes[start..<cut].withUnsafeBytes { decoder.bytesReceived($0, emit) }
        start = cut
    }
    decoder.streamEnded(emit)
    return (out, decoder.statistics)
}

func events(_ outputs: [Decoded]) -> [AuditEvent] {
    outputs.compactMap { if case .event(let e) = $0 { e } else { nil } }
}

/// Parses one log line given as text.
func record(_ line: String) -> AuditRecord? {
    var line = line
    return line.withUTF8 { buf -> AuditRecord? in
        if case .record(let r) = AuditRecordParser.parseLogLine(UnsafeRawBufferPointer(buf)) { return r }
        return nil
    }
}

/// Normalizes log lines (one event) given as text.
func normalize(_ lines: [String]) -> AuditEvent {
    AuditEventNormalizer.normalize(lines.compactMap(record))
}

extension AuditRecord {
    /// The value of field `key` as text (raw bytes, not decoded).
    func value(_ key: StaticString, origin: AuditField.Origin? = nil) -> String? {
        guard let f = field(key, origin: origin) else { return nil }
        return String(decoding: bytes[Int(f.valueStart)..<Int(f.valueStart + f.valueLength)], as: UTF8.self)
    }
}
