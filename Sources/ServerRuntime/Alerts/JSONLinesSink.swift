#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Foundation
import LibPQ
import Storage

/// Appends one JSON object per alert (``AlertDocument``) to a file, or writes it to standard
/// output when the path is `-`, for a SIEM's file collector.
///
/// The file is opened with `O_APPEND` for each alert and each line is one `write(2)`, so lines
/// from two writers (or a log shipper's truncation) never interleave mid-line; a file that was
/// rotated away is simply created again. Mode 0640: alerts describe the fleet's weak spots.
public struct JSONLinesSink: AlertSink {
    public let name = "jsonl"
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public func deliver(_ alert: PendingAlert) async -> AlertDelivery {
        let line = AlertDocument(alert, sentAt: PostgresTimestamp(Date())).line() + "\n"
        if let problem = Self.append(line, to: path) {
            return AlertDelivery(outcome: .failed, attempts: 1, error: problem)
        }
        return AlertDelivery(outcome: .delivered, attempts: 1)
    }

    /// Writes `line` whole. - Returns: nil on success, else the reason (errno text).
    static func append(_ line: String, to path: String) -> String? {
        let fd: Int32 = path == "-" ? STDOUT_FILENO : open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else { return "open: \(String(cString: strerror(errno)))" }
        defer { if fd != STDOUT_FILENO { close(fd) } }
        var bytes = Array(line.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { buffer in
                write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return "write: \(String(cString: strerror(errno)))"
            }
            offset += written
        }
        return nil
    }
}
