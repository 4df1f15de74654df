import Crypto
import Foundation
import Glibc

/// A real directory under /tmp for one test, removed when the test ends.
final class TemporaryTree: Sendable {
    let root: String
    let stateDirectory: String

    init() throws {
        var template = Array("/tmp/herdwatch-fim-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        let base = String(cString: made)
        root = base + "/root"
        stateDirectory = base + "/state"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: false)
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: false)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: (root as NSString).deletingLastPathComponent)
    }

    func path(_ relative: String) -> String { root + "/" + relative }

    func write(_ relative: String, _ content: String) throws {
        try Data(content.utf8).write(to: URL(fileURLWithPath: path(relative)))
    }

    /// Rewrites a file in place (same inode), as an editor that truncates would.
    func overwrite(_ relative: String, _ content: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path(relative)))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(content.utf8))
        try handle.close()
    }

    func makeDirectory(_ relative: String) throws {
        try FileManager.default.createDirectory(atPath: path(relative), withIntermediateDirectories: true)
    }

    func symlink(_ relative: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: path(relative), withDestinationPath: target)
    }

    func remove(_ relative: String) throws {
        try FileManager.default.removeItem(atPath: path(relative))
    }

    func rename(_ from: String, to: String) throws {
        guard Glibc.rename(path(from), path(to)) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    }

    func chmod(_ relative: String, _ mode: mode_t) throws {
        guard Glibc.chmod(path(relative), mode) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    }

    func chown(_ relative: String, uid: uid_t, gid: gid_t) throws {
        guard Glibc.lchown(path(relative), uid, gid) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    }

    static func sha256(_ content: String) -> String {
        SHA256.hash(data: Data(content.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
