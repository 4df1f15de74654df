import AgentRuntime
import FileIntegrity
import Foundation
import Glibc
import Testing

/// `FileIntegrityScan.run` over real directories: each kind of change reported once, with the
/// right hashes, and nothing after a restart when nothing changed.
@Suite struct FileIntegrityScanTests {
    let tree: TemporaryTree
    init() throws { tree = try TemporaryTree() }

    private func scan(_ configure: (inout FIMConfiguration) -> Void = { _ in }) throws -> [FileChange] {
        var configuration = FIMConfiguration(paths: [tree.root])
        configure(&configuration)
        return try FileIntegrityScan.run(configuration, store: FIMStateStore(directory: tree.stateDirectory)).changes
    }

    private func only(_ changes: [FileChange], sourceLocation: SourceLocation = #_sourceLocation) throws -> FileChange {
        #expect(changes.count == 1, "\(changes.map { "\($0.kind) \($0.path)" })", sourceLocation: sourceLocation)
        return try #require(changes.first, sourceLocation: sourceLocation)
    }

    @Test func firstScanIsAnInventoryAndARestartReportsNothing() throws {
        try tree.write("a.conf", "alpha")
        try tree.symlink("link", to: "a.conf")
        let inventory = try scan()
        #expect(inventory.map(\.kind) == [.inventory, .inventory, .inventory])
        #expect(inventory.map(\.path) == [tree.root, tree.path("a.conf"), tree.path("link")])
        #expect(inventory[1].new?.sha256 == TemporaryTree.sha256("alpha"))
        #expect(inventory[2].new?.target == "a.conf")
        #expect(inventory[2].new?.sha256 == nil)
        #expect(try scan().isEmpty)
    }

    @Test func createdModifiedDeleted() throws {
        try tree.write("a", "one")
        _ = try scan()
        try tree.write("b", "new file")
        let created = try only(try scan())
        #expect(created.kind == .created && created.path == tree.path("b") && created.new?.sha256 == TemporaryTree.sha256("new file"))

        try tree.overwrite("a", "two")
        let modified = try only(try scan())
        #expect(modified.kind == .modified && modified.path == tree.path("a"))
        #expect(modified.old?.sha256 == TemporaryTree.sha256("one"))
        #expect(modified.new?.sha256 == TemporaryTree.sha256("two"))

        try tree.remove("b")
        let deleted = try only(try scan())
        #expect(deleted.kind == .deleted && deleted.old?.sha256 == TemporaryTree.sha256("new file") && deleted.new == nil)
        #expect(try scan().isEmpty)
    }

    @Test func chmodAndChownAreAttributeChanges() throws {
        try tree.write("a", "x")
        try tree.chmod("a", 0o644)
        _ = try scan()
        try tree.chmod("a", 0o4755)
        let chmodded = try only(try scan())
        #expect(chmodded.kind == .attributesChanged && chmodded.old?.mode == 0o644 && chmodded.new?.mode == 0o4755)
        #expect(chmodded.old?.sha256 == chmodded.new?.sha256)

        try tree.chown("a", uid: 4321, gid: 8765)
        let chowned = try only(try scan())
        #expect(chowned.kind == .attributesChanged && chowned.new?.uid == 4321 && chowned.new?.gid == 8765)
    }

    @Test func renameKeepsTheHashAndNamesBothPaths() throws {
        try tree.write("before", "content")
        _ = try scan()
        try tree.rename("before", to: "after")
        let renamed = try only(try scan())
        #expect(renamed.kind == .renamed && renamed.oldPath == tree.path("before") && renamed.path == tree.path("after"))
        #expect(renamed.old?.sha256 == TemporaryTree.sha256("content") && renamed.new?.sha256 == renamed.old?.sha256)
    }

    @Test func newNestedDirectoryReportsEveryEntryOnce() throws {
        _ = try scan()
        try tree.makeDirectory("d1/d2")
        try tree.write("d1/d2/deep", "deep")
        let changes = try scan()
        #expect(changes.map(\.kind) == [.created, .created, .created])
        #expect(changes.map(\.path) == [tree.path("d1"), tree.path("d1/d2"), tree.path("d1/d2/deep")])
        #expect(changes[2].new?.sha256 == TemporaryTree.sha256("deep"))
    }

    @Test func retargetedSymlinkIsAContentChange() throws {
        try tree.symlink("link", to: "/etc/hosts")
        _ = try scan()
        try tree.remove("link")
        try tree.symlink("link", to: "/etc/passwd")
        let changes = try scan()
        let retargeted = try #require(changes.first { $0.path == tree.path("link") })
        #expect(changes.count == 1)
        #expect(retargeted.kind == .modified && retargeted.old?.target == "/etc/hosts" && retargeted.new?.target == "/etc/passwd")
    }

    @Test func oversizedFilesAreRecordedWithoutAHashAndExcludedOnesNotAtAll() throws {
        try tree.write("big", String(repeating: "b", count: 2048))
        try tree.write("skip.swp", "x")
        try tree.makeDirectory("cache")
        try tree.write("cache/inner", "x")
        let inventory = try scan {
            $0.maxFileSizeBytes = 1024
            $0.filter = PathFilter(exclude: [GlobPattern("*.swp"), GlobPattern("cache")])
        }
        #expect(inventory.map(\.path) == [tree.root, tree.path("big")])
        #expect(inventory[1].new?.size == 2048 && inventory[1].new?.sha256 == nil)
    }

    @Test func filesLargerThanTheReadBufferHashLikeOneShot() throws {
        let content = String(repeating: "0123456789abcdef", count: 200_000)
        try tree.write("large", content)
        let inventory = try scan()
        #expect(inventory.last?.new?.sha256 == TemporaryTree.sha256(content))
    }

    @Test func missingPathAndUnwritableStateAreClearErrors() throws {
        let missing = #expect(throws: FIMError.self) {
            try FileIntegrityScan.run(FIMConfiguration(paths: [tree.path("nope")]), store: FIMStateStore(directory: tree.stateDirectory))
        }
        #expect(missing?.code == .rootMissing)
        let unwritable = #expect(throws: FIMError.self) {
            try FileIntegrityScan.run(FIMConfiguration(paths: [tree.root]), store: FIMStateStore(directory: tree.path("no/such/dir")))
        }
        #expect(unwritable?.code == .stateUnwritable)
    }

    @Test func namesThatAreNotUTF8AreCountedNotSilentlyLost() throws {
        var bytes = Array(tree.path("bad").utf8CString.dropLast()) + [CChar(bitPattern: 0xFF), 0]
        let descriptor = open(&bytes, O_WRONLY | O_CREAT, 0o644)
        try #require(descriptor >= 0)
        close(descriptor)
        let report = try FileIntegrityScan.run(FIMConfiguration(paths: [tree.root]), store: FIMStateStore(directory: tree.stateDirectory))
        #expect(report.statistics.undecodableNames == 1)
    }

    @Test func nestedAndRespelledRootsReportEachFileOnce() throws {
        try tree.makeDirectory("sub")
        try tree.write("sub/f", "x")
        let inventory = try scan { $0.paths = [tree.path("sub"), tree.root, tree.root + "/./"] }
        #expect(inventory.map(\.path) == [tree.root, tree.path("sub"), tree.path("sub/f")])
    }
}
