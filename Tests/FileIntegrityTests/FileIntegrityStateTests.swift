import FileIntegrity
import Testing

@Suite struct FileIntegrityStateTests {
    @Test func firstScanIsInventoryThenOnlyChanges() {
        var state = FileIntegrityState()
        let first = FileSnapshot(entries: ["/r": directory(inode: 1), "/r/a": regular("a", inode: 2)])
        let inventory = state.scanCompleted(first, roots: ["/r"])
        #expect(inventory.map(\.kind) == [.inventory, .inventory])
        #expect(state.scanCompleted(first, roots: ["/r"]).isEmpty)

        var second = first
        second["/r/a"] = regular("b", inode: 2)
        #expect(state.scanCompleted(second, roots: ["/r"]).map(\.kind) == [.modified])
    }

    @Test func newRootGetsInventoryWhileOldRootIsDiffed() {
        var state = FileIntegrityState()
        _ = state.scanCompleted(FileSnapshot(entries: ["/r": directory(inode: 1)]), roots: ["/r"])
        let both = FileSnapshot(entries: ["/r": directory(inode: 1), "/s": directory(inode: 2), "/s/x": regular("x", inode: 3)])
        #expect(state.scanCompleted(both, roots: ["/r", "/s"]).map(\.kind) == [.inventory, .inventory])
    }

    @Test func partialRescanReplacesOnlyItsPaths() {
        var state = FileIntegrityState()
        _ = state.scanCompleted(FileSnapshot(entries: [
            "/r": directory(inode: 1), "/r/d": directory(inode: 2), "/r/d/x": regular("x", inode: 3),
            "/r/dx": regular("keep", inode: 4),
        ]), roots: ["/r"])
        let changes = state.scopesRescanned(FileSnapshot(), scopes: [.subtree("/r/d")])
        #expect(changes.map(\.path) == ["/r/d", "/r/d/x"])
        #expect(changes.allSatisfy { $0.kind == .deleted })
        #expect(state.snapshot["/r/dx"] != nil)
    }

    @Test func entryScopeLeavesWhatIsBelowAlone() {
        var state = FileIntegrityState()
        _ = state.scanCompleted(FileSnapshot(entries: ["/r": directory(inode: 1), "/r/x": regular("x", inode: 3)]), roots: ["/r"])
        var chmodded = directory(inode: 1)
        chmodded.mode = 0o700
        let changes = state.scopesRescanned(FileSnapshot(entries: ["/r": chmodded]), scopes: [.entry("/r")])
        #expect(changes.map(\.kind) == [.attributesChanged])
        #expect(state.snapshot["/r/x"] != nil)
    }
}
