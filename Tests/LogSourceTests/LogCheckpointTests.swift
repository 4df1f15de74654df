@testable import AgentRuntime
import Glibc
import Testing

@Suite struct LogCheckpointTests {
    @Test func roundTrips() throws {
        let position = LogPosition(device: 2049, inode: 1_311_000_777, offset: 8_589_934_592, fingerprint: 0x00ab_cdef_0123_4567)
        let encoded = LogCheckpoint.encode(position)
        #expect(String(decoding: encoded, as: UTF8.self) == "herdwatch-log-checkpoint v1 device=2049 inode=1311000777 offset=8589934592 fingerprint=00abcdef01234567\n")
        #expect(try LogCheckpoint.decode(encoded) == position)
        #expect(try LogCheckpoint.decode(encoded.dropLast()) == position)
        let extremes = LogPosition(device: .max, inode: .max, offset: .max, fingerprint: .max)
        #expect(try LogCheckpoint.decode(LogCheckpoint.encode(extremes)) == extremes)
    }

    @Test(arguments: [
        "",
        "\n",
        "herdwatch-log-checkpoint v2 device=1 inode=2 offset=3 fingerprint=0",
        "herdwatch-log-checkpoint v1 device=1 inode=2 offset=3",
        "herdwatch-log-checkpoint v1 device=1 inode=2 offset=-3 fingerprint=0",
        "herdwatch-log-checkpoint v1 device=1 inode=2 offset=+3 fingerprint=0",
        "herdwatch-log-checkpoint v1 device=1 inode=2 offset=3 fingerprint=0 extra=4",
        "herdwatch-log-checkpoint v1 inode=2 device=1 offset=3 fingerprint=0",
        "herdwatch-log-checkpoint v1 device=1 inode=x offset=3 fingerprint=0",
        "herdwatch-log-checkpoint v1 device=1 inode=a offset=3 fingerprint=0",
        "herdwatch-log-checkpoint v1 device=1 inode=2 offset=3 fingerprint=xyz",
        "herdwatch-log-checkpoint v1 device=1 inode=2 offset=3 fingerprint=0\n\n",
        "herdwatch-log-checkpoint  v1 device=1 inode=2 offset=3 fingerprint=0",
        "herdwatch-log-checkpoint v1 device=18446744073709551616 inode=2 offset=3 fingerprint=0",
        "herdwatch-log-checkpoint v1 device=1 inode=2 offset=3 fingerprint=10000000000000000",
    ])
    func rejectsMalformed(_ text: String) {
        #expect(throws: LogSourceError.self) { try LogCheckpoint.decode(Array(text.utf8)) }
    }

    @Test func storeSavesAtomicallyAndLoads() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = CheckpointStore(directory: directory.path)
        #expect(try store.load() == nil)
        let first = LogPosition(device: 1, inode: 2, offset: 3)
        try store.save(first)
        #expect(try store.load() == first)
        let second = LogPosition(device: 1, inode: 9, offset: 123_456)
        try store.save(second)
        #expect(try store.load() == second)
        #expect(access(store.path + ".tmp", F_OK) != 0, "no temporary file left behind")
    }

    @Test func storeReportsAMalformedFileWithItsPath() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = CheckpointStore(directory: directory.path)
        try AppendingWriter(store.path).write("garbage\n")
        do {
            _ = try store.load()
            Issue.record("loaded a malformed checkpoint")
        } catch {
            #expect(error.code == .checkpointMalformed)
            #expect(error.path == store.path)
        }
    }

    @Test func storeFailsToWriteIntoAMissingDirectory() throws {
        let store = CheckpointStore(directory: "/nonexistent-herdwatch-directory")
        #expect(throws: LogSourceError.self) { try store.save(LogPosition(device: 1, inode: 2, offset: 3)) }
    }
}
