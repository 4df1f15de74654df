import Crypto
import Glibc

/// SHA-256 digests the heartbeat reports, so the service can tell which configuration and which
/// rules a host runs without the host sending them.
public enum ContentDigest {
    /// The SHA-256 of `bytes` in lowercase hexadecimal.
    public static func sha256(_ bytes: some Sequence<UInt8>) -> String {
        SHA256.hash(data: Array(bytes)).map { byte in
            let digits = String(byte, radix: 16)
            return byte < 16 ? "0" + digits : digits
        }.joined()
    }

    /// The SHA-256 of a file's bytes.
    /// - Throws: ``Errno`` when it cannot be read.
    public static func sha256(ofFile path: String) throws(Errno) -> String {
        sha256(try FileBytes.read(path))
    }
}

/// Small whole-file reads for configuration and identity files.
enum FileBytes {
    static func read(_ path: String, limit: Int = 16 << 20) throws(Errno) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Errno(errno) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while bytes.count < limit {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Errno(errno)
            }
            if count == 0 { break }
            bytes += chunk[0..<count]
        }
        return bytes
    }

    /// The file's first line without surrounding white space, or nil when it cannot be read or is empty.
    static func firstLine(_ path: String) -> String? {
        guard let bytes = try? read(path, limit: 4096) else { return nil }
        let line = String(decoding: bytes.prefix { $0 != 0x0A }, as: UTF8.self)
        let trimmed = line.trimmingWhitespace
        return trimmed.isEmpty ? nil : trimmed
    }
}

extension String {
    var trimmingWhitespace: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
