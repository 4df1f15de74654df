import FileIntegrity
import Testing

func regular(_ content: String, inode: UInt64, mode: UInt32 = 0o644, uid: UInt32 = 0, mtime: Int64 = 1) -> FileState {
    FileState(
        type: .regular, mode: mode, uid: uid, gid: 0, size: UInt64(content.utf8.count), mtimeNanoseconds: mtime,
        inode: inode, sha256: "sha-of-" + content)
}

func directory(inode: UInt64, mtime: Int64 = 1) -> FileState {
    FileState(type: .directory, mode: 0o755, uid: 0, gid: 0, size: 4096, mtimeNanoseconds: mtime, inode: inode)
}

@Suite struct SnapshotDiffTests {
    @Test func identicalSnapshotsReportNothing() {
        let snapshot = FileSnapshot(entries: ["/r": directory(inode: 1), "/r/a": regular("a", inode: 2)])
        #expect(SnapshotDiff.changes(from: snapshot, to: snapshot).isEmpty)
    }

    @Test func createdModifiedAttributesDeleted() {
        let old = FileSnapshot(entries: [
            "/r/content": regular("one", inode: 2), "/r/mode": regular("m", inode: 3),
            "/r/gone": regular("g", inode: 4),
        ])
        let new = FileSnapshot(entries: [
            "/r/content": regular("two", inode: 2, mtime: 5), "/r/mode": regular("m", inode: 3, mode: 0o600),
            "/r/new": regular("fresh", inode: 9),
        ])
        let changes = SnapshotDiff.changes(from: old, to: new)
        let kinds = Dictionary(uniqueKeysWithValues: changes.map { ($0.path, $0.kind) })
        #expect(kinds == ["/r/content": .modified, "/r/mode": .attributesChanged, "/r/gone": .deleted, "/r/new": .created])
        #expect(changes.map(\.path) == ["/r/content", "/r/gone", "/r/mode", "/r/new"])
        let modified = changes.first { $0.kind == .modified }
        #expect(modified?.old?.sha256 == "sha-of-one")
        #expect(modified?.new?.sha256 == "sha-of-two")
        #expect(changes.first { $0.kind == .deleted }?.new == nil)
        #expect(changes.first { $0.kind == .created }?.old == nil)
    }

    @Test func directoryMtimeAloneIsNotAChange() {
        let old = FileSnapshot(entries: ["/r": directory(inode: 1, mtime: 1)])
        let new = FileSnapshot(entries: ["/r": directory(inode: 1, mtime: 2), "/r/x": regular("x", inode: 5)])
        #expect(SnapshotDiff.changes(from: old, to: new).map(\.kind) == [.created])
    }

    @Test func renameByInode() {
        let old = FileSnapshot(entries: ["/r/a": regular("same", inode: 7)])
        let new = FileSnapshot(entries: ["/r/b": regular("same", inode: 7)])
        let changes = SnapshotDiff.changes(from: old, to: new)
        #expect(changes == [FileChange(kind: .renamed, path: "/r/b", oldPath: "/r/a", old: old["/r/a"], new: new["/r/b"])])
    }

    @Test func reusedInodeWithOtherContentIsDeleteAndCreate() {
        let old = FileSnapshot(entries: ["/r/a": regular("old", inode: 7)])
        let new = FileSnapshot(entries: ["/r/b": regular("new", inode: 7)])
        #expect(SnapshotDiff.changes(from: old, to: new).map(\.kind).sorted { $0.rawValue < $1.rawValue } == [.created, .deleted])
    }

    @Test func renameByContentAcrossFilesystems() {
        let old = FileSnapshot(entries: ["/r/a": regular("moved", inode: 7)])
        let new = FileSnapshot(entries: ["/r/b": regular("moved", inode: 70)])
        #expect(SnapshotDiff.changes(from: old, to: new).map(\.kind) == [.renamed])
    }

    @Test func twoCopiesOfTheSameContentAreNotGuessed() {
        let old = FileSnapshot(entries: ["/r/a": regular("dup", inode: 7)])
        let new = FileSnapshot(entries: ["/r/b": regular("dup", inode: 70), "/r/c": regular("dup", inode: 71)])
        #expect(SnapshotDiff.changes(from: old, to: new).map(\.kind).sorted { $0.rawValue < $1.rawValue } == [.created, .created, .deleted])
    }

    @Test func retargetedSymlinkIsModified() {
        var link = FileState(type: .symlink, mode: 0o777, uid: 0, gid: 0, size: 1, mtimeNanoseconds: 1, inode: 3, target: "a")
        let old = FileSnapshot(entries: ["/r/l": link])
        link.target = "b"
        let changes = SnapshotDiff.changes(from: old, to: FileSnapshot(entries: ["/r/l": link]))
        #expect(changes.map(\.kind) == [.modified])
        #expect(changes.first?.old?.target == "a")
        #expect(changes.first?.new?.target == "b")
    }
}
