import FileIntegrity
import Testing

@Suite struct StateFileCodecTests {
    private func encoded(_ state: FileIntegrityState) -> [UInt8] {
        var bytes: [UInt8] = []
        StateFileCodec.encode(state) { bytes += $0 }
        return bytes
    }

    @Test func roundTripsAwkwardPathsAndTargets() throws {
        let link = FileState(
            type: .symlink, mode: 0o777, uid: 1, gid: 2, size: 9, mtimeNanoseconds: -5, inode: .max, target: "t\\a\tb")
        let state = FileIntegrityState(
            inventoriedRoots: ["/r", "/s\nx"],
            snapshot: FileSnapshot(entries: [
                "/r/new\nline\ttab\\slash": regular("x", inode: 3, mode: 0o4755), "/r/link": link,
                "/r": directory(inode: 1), "/r/é": regular("", inode: 4),
            ]))
        #expect(try StateFileCodec.decode(encoded(state)) == state)
    }

    @Test func manyEntriesAreWrittenInChunks() throws {
        var entries: [String: FileState] = [:]
        for i in 0..<5_000 { entries["/r/file-\(i)"] = regular("\(i)", inode: UInt64(i)) }
        let state = FileIntegrityState(inventoriedRoots: ["/r"], snapshot: FileSnapshot(entries: entries))
        var chunks = 0
        var bytes: [UInt8] = []
        StateFileCodec.encode(state) { chunks += 1; bytes += $0 }
        #expect(chunks > 1)
        #expect(try StateFileCodec.decode(bytes) == state)
    }

    @Test func rejectsAnotherVersionAndDamagedLines() {
        #expect(throws: StateFileError.self) { try StateFileCodec.decode(Array("herdwatch-fim-state 2\n".utf8)) }
        let damaged = Array("herdwatch-fim-state 1\nE\t/a\tfile\t644\n".utf8)
        let error = #expect(throws: StateFileError.self) { try StateFileCodec.decode(damaged) }
        #expect(error?.line == 2 && error?.code == .malformedLine)
        #expect(throws: StateFileError.self) { try StateFileCodec.decode([]) }
    }
}
