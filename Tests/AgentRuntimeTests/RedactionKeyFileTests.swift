import Glibc
import Testing

@testable import AgentRuntime

@Suite struct RedactionKeyFileTests {
    func temporaryDirectory() throws -> String {
        var template = Array("/tmp/herdwatch-key-XXXXXX".utf8CString)
        let made = try #require(mkdtemp(&template))
        return String(cString: made)
    }

    @Test func madeOnceWithMode0600ThenKept() throws {
        let directory = try temporaryDirectory()
        defer {
            unlink("\(directory)/\(RedactionKeyFile.fileName)")
            rmdir(directory)
        }
        let key = try RedactionKeyFile.loadOrCreate(stateDirectory: directory)
        #expect(key.count == 32)
        #expect(Set(key).count > 1)
        var status = stat()
        #expect(stat("\(directory)/\(RedactionKeyFile.fileName)", &status) == 0)
        #expect(status.st_mode & 0o777 == 0o600)
        #expect(try RedactionKeyFile.loadOrCreate(stateDirectory: directory) == key)
        #expect(try Syscall.directoryEntries(directory).get() == [RedactionKeyFile.fileName])
    }

    @Test func wrongSizeIsAnErrorNotReplaced() throws {
        let directory = try temporaryDirectory()
        let path = "\(directory)/\(RedactionKeyFile.fileName)"
        defer {
            unlink(path)
            rmdir(directory)
        }
        let fd = open(path, O_WRONLY | O_CREAT, 0o600)
        _ = write(fd, "short", 5)
        close(fd)
        #expect(throws: RedactionKeyError(code: .wrongSize, path: path, cause: nil)) {
            try RedactionKeyFile.loadOrCreate(stateDirectory: directory)
        }
        #expect(throws: RedactionKeyError.self) {
            try RedactionKeyFile.loadOrCreate(stateDirectory: "/nonexistent/state")
        }
    }
}
