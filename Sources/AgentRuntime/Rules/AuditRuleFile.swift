import Glibc

/// Reading an audit rules file from disk for ``AuditRuleParser``: the file's text, and
/// stat(2) to tell whether a `-w` path is a directory, as auditctl(8) does.
public enum AuditRuleFile {
    /// Reads and parses `path` for this machine.
    /// - Throws: ``Errno`` when the file cannot be read, ``AuditRuleSyntaxError`` for a bad line.
    public static func load(path: String) throws -> [AuditRuleCommand] {
        try AuditRuleParser(machine: .host, isDirectory: isDirectory).parse(file: try readText(path: path))
    }

    /// Whether `path` exists and is a directory (stat(2), following links).
    @Sendable public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func readText(path: String) throws(Errno) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Errno(errno) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Errno(errno)
            }
            if count == 0 { break }
            bytes += chunk[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
