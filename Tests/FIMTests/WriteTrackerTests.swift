@testable import AgentRuntime
import FileIntegrity
import Testing

/// The rule that a file open for writing is reported once, after its close, with its final
/// content: the monitor's decisions replayed on a fixed timeline, with no kernel and no clock.
@Suite struct WriteTrackerTests {
    let start = ContinuousClock.now
    func at(_ milliseconds: Int) -> ContinuousClock.Instant { start.advanced(by: .milliseconds(milliseconds)) }

    func file(_ content: String, size: UInt64, mtime: Int64) -> FileState {
        FileState(
            type: .regular, mode: 0o644, uid: 0, gid: 0, size: size, mtimeNanoseconds: mtime, inode: 42,
            sha256: content)
    }

    /// A rescan of `path` as the monitor does it: the scan, held back, then diffed into `state`.
    func rescan(
        _ path: String, finding found: FileState?, tracker: inout WriteTracker, state: inout FileIntegrityState
    ) -> [FileChange] {
        var scan = FileSnapshot()
        scan[path] = found
        tracker.holdBack(&scan, covering: [.entry(path)], stored: state.snapshot, inventoriedRoots: state.inventoriedRoots)
        return state.scopesRescanned(scan, scopes: [.entry(path)])
    }

    @Test func aFileWrittenInChunksIsReportedOnlyAtItsCloseWithItsFinalContent() {
        var tracker = WriteTracker(quietPeriod: .seconds(2), longestDelay: .seconds(30))
        var state = FileIntegrityState(inventoriedRoots: ["/r"])
        // IN_CREATE, then IN_MODIFY per chunk, however slowly the chunks come under load.
        tracker.written("/r/f", at: at(0), created: true)
        for (index, time) in [80, 400, 900, 1_500].enumerated() {
            tracker.written("/r/f", at: at(time))
            #expect(tracker.due(at: at(time + 10)).isEmpty)
            // A rescan meanwhile (a directory event, the periodic or fallback scan) sees the
            // half-written file and reports nothing.
            let partial = file("partial\(index)", size: UInt64(index + 1), mtime: Int64(time))
            #expect(rescan("/r/f", finding: partial, tracker: &tracker, state: &state).isEmpty)
            #expect(state.snapshot["/r/f"] == nil)
        }
        // IN_CLOSE_WRITE: rescanned at once, reported once as created with the final hash.
        tracker.closed("/r/f")
        let changes = rescan("/r/f", finding: file("final", size: 18, mtime: 1_500), tracker: &tracker, state: &state)
        #expect(changes.map(\.kind) == [.created])
        #expect(changes.first?.new?.sha256 == "final")
        #expect(tracker.writing.isEmpty && tracker.nextDue == nil)
    }

    @Test func aModifiedFileKeepsItsStoredStateUntilClosed() {
        var tracker = WriteTracker()
        let before = file("before", size: 6, mtime: 1)
        var state = FileIntegrityState(inventoriedRoots: ["/r"], snapshot: FileSnapshot(entries: ["/r/f": before]))
        tracker.written("/r/f", at: at(0))
        #expect(rescan("/r/f", finding: file("half", size: 3, mtime: 2), tracker: &tracker, state: &state).isEmpty)
        #expect(state.snapshot["/r/f"] == before)
        tracker.closed("/r/f")
        let changes = rescan("/r/f", finding: file("after", size: 9, mtime: 3), tracker: &tracker, state: &state)
        #expect(changes.map(\.kind) == [.modified])
        #expect(changes.first?.old?.sha256 == "before" && changes.first?.new?.sha256 == "after")
    }

    @Test func aFileLeftOpenAndIdleIsReportedAfterTheQuietPeriod() {
        var tracker = WriteTracker(quietPeriod: .seconds(2), longestDelay: .seconds(30))
        var state = FileIntegrityState(inventoriedRoots: ["/r"])
        tracker.written("/r/f", at: at(0), created: true)
        tracker.written("/r/f", at: at(500))
        #expect(tracker.nextDue == at(2_500))
        #expect(tracker.due(at: at(2_499)).isEmpty)
        #expect(tracker.due(at: at(2_500)) == ["/r/f"])
        let changes = rescan("/r/f", finding: file("as is", size: 5, mtime: 500), tracker: &tracker, state: &state)
        #expect(changes.map(\.kind) == [.created])
        #expect(tracker.nextDue == nil)
    }

    @Test func aFileWrittenWithoutPauseIsReportedAfterTheLongestDelayEvenIfWritesContinue() {
        var tracker = WriteTracker(quietPeriod: .seconds(2), longestDelay: .seconds(30))
        var state = FileIntegrityState(inventoriedRoots: ["/r"], snapshot: FileSnapshot(entries: ["/r/log": file("v0", size: 1, mtime: 0)]))
        var reported: [FileChange] = []
        for time in stride(from: 0, through: 29_900, by: 100) {
            tracker.written("/r/log", at: at(time))
            #expect(tracker.due(at: at(time)).isEmpty)
        }
        #expect(tracker.due(at: at(30_000)) == ["/r/log"])
        // The log is appended to again while the due rescan runs: it is reported all the same.
        tracker.written("/r/log", at: at(30_010))
        reported += rescan("/r/log", finding: file("v1", size: 100, mtime: 30_000), tracker: &tracker, state: &state)
        #expect(reported.map(\.kind) == [.modified])
        // Those later writes start the rule again.
        #expect(tracker.isBeingWritten("/r/log"))
        #expect(rescan("/r/log", finding: file("v2", size: 200, mtime: 30_010), tracker: &tracker, state: &state).isEmpty)
    }

    @Test func aFullScanHoldsBackOnlyFilesBeingWritten() {
        var tracker = WriteTracker()
        let steady = file("steady", size: 6, mtime: 1)
        var state = FileIntegrityState(inventoriedRoots: ["/r"], snapshot: FileSnapshot(entries: ["/r": dir, "/r/a": steady]))
        tracker.written("/r/new", at: at(0), created: true)
        var scan = FileSnapshot(entries: ["/r": dir, "/r/a": file("edited", size: 6, mtime: 2), "/r/new": file("half", size: 2, mtime: 2)])
        tracker.holdBack(&scan, covering: nil, stored: state.snapshot, inventoriedRoots: state.inventoriedRoots)
        let changes = state.scanCompleted(scan, roots: ["/r"])
        #expect(changes.map(\.path) == ["/r/a"])
        #expect(state.snapshot["/r/new"] == nil)
    }

    @Test func aFileAlreadyThereWhenARootIsFirstScannedIsInventoriedEvenWhileWritten() {
        var tracker = WriteTracker()
        var state = FileIntegrityState()
        tracker.written("/r/log", at: at(0))  // IN_MODIFY only: it existed before
        tracker.written("/r/fresh", at: at(0), created: true)
        var scan = FileSnapshot(entries: ["/r": dir, "/r/log": file("log", size: 3, mtime: 1), "/r/fresh": file("h", size: 1, mtime: 1)])
        tracker.holdBack(&scan, covering: nil, stored: state.snapshot, inventoriedRoots: state.inventoriedRoots)
        let changes = state.scanCompleted(scan, roots: ["/r"])
        #expect(changes.map(\.path) == ["/r", "/r/log"])
        #expect(changes.allSatisfy { $0.kind == .inventory })
    }

    @Test func aDirectoryMovedAwayForgetsTheWritesBelowIt() {
        var tracker = WriteTracker()
        tracker.written("/r/d/f", at: at(0), created: true)
        tracker.written("/r/dx", at: at(0), created: true)
        tracker.forget(within: "/r/d")
        #expect(Set(tracker.writing.keys) == ["/r/dx"])
    }

    var dir: FileState {
        FileState(type: .directory, mode: 0o755, uid: 0, gid: 0, size: 4096, mtimeNanoseconds: 0, inode: 1)
    }
}

extension WriteTrackerTests {
    @Test func aWriterThatClosesAndReopensWithoutPauseIsStillReportedWithinTheLongestDelay() {
        var tracker = WriteTracker(quietPeriod: .seconds(2), longestDelay: .seconds(30))
        var state = FileIntegrityState(inventoriedRoots: ["/r"], snapshot: FileSnapshot(entries: ["/r/status": file("v0", size: 1, mtime: 0)]))
        var reported: [FileChange] = []
        var time = 0
        // Every close is followed by the next write before the rescan it causes looks.
        while time < 40_000, reported.isEmpty {
            tracker.written("/r/status", at: at(time))
            for path in tracker.due(at: at(time)) { #expect(path == "/r/status") }
            tracker.closed("/r/status")
            tracker.written("/r/status", at: at(time + 1))
            reported += rescan("/r/status", finding: file("v\(time)", size: 2, mtime: Int64(time)), tracker: &tracker, state: &state)
            time += 500
        }
        #expect(reported.map(\.kind) == [.modified])
        #expect(time <= 30_500)
    }
}
