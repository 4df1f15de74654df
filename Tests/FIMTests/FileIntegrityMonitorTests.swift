import AgentRuntime
import FileIntegrity
import Glibc
import Logging
import Testing

/// The monitor over real directories: inotify latency, renames, new subdirectories, and the
/// fallback to periodic scans when watches run out.
@Suite(.timeLimit(.minutes(1))) struct FileIntegrityMonitorTests {
    let tree: TemporaryTree
    init() throws { tree = try TemporaryTree() }

    /// Starts a monitor, waits for its first scan, runs `body`, then stops it.
    private func withMonitor(
        _ configure: (inout FIMConfiguration) -> Void = { _ in },
        _ body: (FileIntegrityMonitor, ChangeCollector) async throws -> Void
    ) async throws {
        var configuration = FIMConfiguration(paths: [tree.root], rescanInterval: nil)
        configure(&configuration)
        let monitor = try FileIntegrityMonitor(
            configuration: configuration, store: FIMStateStore(directory: tree.stateDirectory), logger: Logger(label: "fim-test"))
        let collector = ChangeCollector(monitor.changes)
        let running = Task { try await monitor.run() }
        let inventory = await collector.first(within: .seconds(10)) { $0.kind == .inventory }
        try #require(inventory != nil, "no inventory from the first scan")
        try await body(monitor, collector)
        running.cancel()
        try await running.value
    }

    @Test func aNewFileIsReportedWithinOneSecond() async throws {
        try await withMonitor { _, collector in
            let written = ContinuousClock.now
            try tree.write("fresh", "hello")
            let found = await collector.first(within: .seconds(5)) { $0.kind == .created && $0.path == tree.path("fresh") }
            let arrival = try #require(found)
            #expect(written.duration(to: arrival.instant) < .seconds(1))
            #expect(arrival.change.new?.sha256 == TemporaryTree.sha256("hello"))
        }
    }

    @Test func aFileWrittenInChunksIsReportedOnceWithItsFinalContent() async throws {
        try await withMonitor { _, collector in
            // Created and written through one descriptor: IN_CREATE, IN_MODIFY…, then one IN_CLOSE_WRITE.
            let descriptor = open(tree.path("chunked"), O_WRONLY | O_CREAT | O_EXCL, 0o644)
            try #require(descriptor >= 0)
            var content = ""
            for chunk in ["first ", "second ", "third"] {
                _ = chunk.withCString { write(descriptor, $0, strlen($0)) }
                content += chunk
                // The writer pauses between chunks (longer than the 50 ms batch window): the
                // stimulus under test, not a wait for the monitor.
                try await Task.sleep(for: .milliseconds(80))
            }
            close(descriptor)
            let final = await collector.first(within: .seconds(5)) { $0.new?.sha256 == TemporaryTree.sha256(content) }
            #expect(final?.change.kind == .created)
            #expect(collector.all.filter { $0.change.path == tree.path("chunked") }.count == 1)
        }
    }

    @Test func aFileHeldOpenThroughLongPausesAndAChmodIsReportedOnlyAtItsClose() async throws {
        try await withMonitor { _, collector in
            let path = tree.path("slow")
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            try #require(descriptor >= 0)
            // Pauses far longer than the batch window (and than the old 400 ms settle time),
            // shorter than the 2 s quiet period; the fchmod is an IN_ATTRIB while open.
            _ = "head ".withCString { write(descriptor, $0, strlen($0)) }
            try await Task.sleep(for: .milliseconds(700))
            #expect(fchmod(descriptor, 0o600) == 0)
            _ = "tail".withCString { write(descriptor, $0, strlen($0)) }
            try await Task.sleep(for: .milliseconds(700))
            #expect(!collector.all.contains { $0.change.path == path }, "reported while still open")
            close(descriptor)
            let final = await collector.first(within: .seconds(5)) { $0.path == path }
            #expect(final?.change.kind == .created)
            #expect(final?.change.new?.sha256 == TemporaryTree.sha256("head tail"))
            #expect(final?.change.new?.mode == 0o600)
            try await Task.sleep(for: .milliseconds(300))
            #expect(collector.all.filter { $0.change.path == path }.count == 1)
        }
    }

    @Test func aSymlinkHasNoCloseAndIsReportedAtOnce() async throws {
        try await withMonitor { _, collector in
            let made = ContinuousClock.now
            try tree.symlink("link", to: "/etc/hostname")
            let found = await collector.first(within: .seconds(5)) { $0.kind == .created && $0.path == tree.path("link") }
            let arrival = try #require(found)
            #expect(made.duration(to: arrival.instant) < .seconds(1))
            #expect(arrival.change.new?.target == "/etc/hostname")
        }
    }

    @Test func modifyChmodRenameDeleteEachOnce() async throws {
        try tree.write("a", "one")
        try tree.makeDirectory("sub")
        try await withMonitor { _, collector in
            try tree.overwrite("a", "two")
            let modified = await collector.first(within: .seconds(5)) { $0.kind == .modified }
            #expect(modified?.change.new?.sha256 == TemporaryTree.sha256("two"))
            try tree.chmod("a", 0o600)
            let seen1 = await collector.first(within: .seconds(5)) { $0.kind == .attributesChanged && $0.new?.mode == 0o600 }
            #expect(seen1 != nil)
            try tree.rename("a", to: "sub/b")
            let renamed = await collector.first(within: .seconds(5)) { $0.kind == .renamed }
            #expect(renamed?.change.oldPath == tree.path("a") && renamed?.change.path == tree.path("sub/b"))
            try tree.remove("sub/b")
            let seen2 = await collector.first(within: .seconds(5)) { $0.kind == .deleted && $0.path == tree.path("sub/b") }
            #expect(seen2 != nil)
            let changes = collector.all.map(\.change).filter { $0.kind != .inventory }
            #expect(changes.filter { $0.kind == .modified }.count == 1)
            #expect(changes.filter { $0.kind == .renamed }.count == 1)
            #expect(!changes.contains { $0.kind == .created })
            #expect(!changes.contains { $0.kind == .deleted && $0.path == tree.path("a") })
        }
    }

    @Test func filesInANewNestedDirectoryAreSeen() async throws {
        try await withMonitor { _, collector in
            try tree.makeDirectory("n1/n2")
            try tree.write("n1/n2/inner", "x")
            let seen3 = await collector.first(within: .seconds(5)) { $0.kind == .created && $0.path == tree.path("n1/n2/inner") }
            #expect(seen3 != nil)
            // A file written later in the new directory is seen through the watch added to it.
            try tree.write("n1/n2/later", "y")
            let seen4 = await collector.first(within: .seconds(5)) { $0.kind == .created && $0.path == tree.path("n1/n2/later") }
            #expect(seen4 != nil)
        }
    }

    @Test func aRenamedDirectoryKeepsReportingUnderItsNewPath() async throws {
        try tree.makeDirectory("old/inner")
        try tree.write("old/inner/f", "kept")
        try await withMonitor { _, collector in
            try tree.rename("old", to: "new")
            let moved = await collector.first(within: .seconds(5)) { $0.kind == .renamed && $0.path == tree.path("new/inner/f") }
            #expect(moved?.change.oldPath == tree.path("old/inner/f"))
            // The watch on inner now stands for new/inner: a file written there is reported there.
            try tree.write("new/inner/g", "after")
            let created = await collector.first(within: .seconds(5)) { $0.kind == .created && $0.path.hasSuffix("/inner/g") }
            #expect(created?.change.path == tree.path("new/inner/g"))
            let renames = collector.all.filter { $0.change.kind == .renamed }.map(\.change.path).sorted()
            #expect(renames == [tree.path("new"), tree.path("new/inner"), tree.path("new/inner/f")])
        }
    }

    @Test func aRootThatIsAFileIsWatchedEvenAfterBeingReplaced() async throws {
        try tree.write("passwd", "one")
        var configuration = FIMConfiguration(paths: [tree.path("passwd")], rescanInterval: nil)
        configuration.unwatchedRescanInterval = .seconds(3600)
        let monitor = try FileIntegrityMonitor(
            configuration: configuration, store: FIMStateStore(directory: tree.stateDirectory), logger: Logger(label: "fim-test"))
        let collector = ChangeCollector(monitor.changes)
        let running = Task { try await monitor.run() }
        _ = await collector.first(within: .seconds(5)) { $0.kind == .inventory }
        try tree.overwrite("passwd", "two")
        let inPlace = await collector.first(within: .seconds(2)) { $0.new?.sha256 == TemporaryTree.sha256("two") }
        #expect(inPlace?.change.kind == .modified)
        // Replaced the way editors and `useradd` do it: a new file renamed over the old one.
        try tree.write("passwd.new", "three")
        try tree.rename("passwd.new", to: "passwd")
        let replaced = await collector.first(within: .seconds(2)) { $0.new?.sha256 == TemporaryTree.sha256("three") }
        #expect(replaced?.change.kind == .modified)
        try tree.overwrite("passwd", "four")
        let afterReplacement = await collector.first(within: .seconds(2)) { $0.new?.sha256 == TemporaryTree.sha256("four") }
        #expect(afterReplacement?.change.kind == .modified)
        running.cancel()
        try await running.value
    }

    @Test func outOfWatchesFallsBackToScanningWithoutMissingAChange() async throws {
        try tree.makeDirectory("w1/deep")
        try tree.makeDirectory("w2")
        try await withMonitor({
            $0.maxWatches = 1
            $0.unwatchedRescanInterval = .milliseconds(300)
        }) { monitor, collector in
            #expect(monitor.currentCounters.watches == 1)
            #expect(monitor.currentCounters.unwatchedDirectories == 3)
            try tree.write("w1/deep/hidden", "found anyway")
            try tree.write("w2/other", "too")
            let hidden = await collector.first(within: .seconds(5)) { $0.kind == .created && $0.path == tree.path("w1/deep/hidden") }
            #expect(hidden?.change.new?.sha256 == TemporaryTree.sha256("found anyway"))
            let seen5 = await collector.first(within: .seconds(5)) { $0.path == tree.path("w2/other") }
            #expect(seen5 != nil)
            #expect(monitor.currentCounters.unwatchedRescans >= 1)
        }
    }

    /// Polls `condition` every few milliseconds until it holds or `timeout` passes.
    private func eventually(within timeout: Duration, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while !condition() {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
    }

    @Test func periodicFullRescansReportNothingWhenNothingChanged() async throws {
        try tree.write("a", "steady")
        try await withMonitor({ $0.rescanInterval = .milliseconds(100) }) { monitor, collector in
            let rescanned = await eventually(within: .seconds(5)) { monitor.currentCounters.fullRescans >= 3 }
            #expect(rescanned)
            #expect(collector.all.allSatisfy { $0.change.kind == .inventory })
        }
    }

    @Test func aRestartedMonitorReportsOnlyWhatChangedWhileItWasStopped() async throws {
        try tree.write("a", "one")
        try tree.write("b", "stays")
        try await withMonitor { _, _ in }
        try tree.overwrite("a", "two")
        let monitor = try FileIntegrityMonitor(
            configuration: FIMConfiguration(paths: [tree.root], rescanInterval: nil),
            store: FIMStateStore(directory: tree.stateDirectory), logger: Logger(label: "fim-test"))
        let collector = ChangeCollector(monitor.changes)
        let running = Task { try await monitor.run() }
        let modified = await collector.first(within: .seconds(5)) { $0.kind == .modified }
        #expect(modified?.change.path == tree.path("a"))
        #expect(collector.all.count == 1)
        running.cancel()
        try await running.value
    }

    @Test func aBatchTheConsumerHasNoRoomForIsReportedLaterNotLost() async throws {
        var configuration = FIMConfiguration(paths: [tree.root], rescanInterval: nil)
        configuration.unwatchedRescanInterval = .milliseconds(200)
        let monitor = try FileIntegrityMonitor(
            configuration: configuration, store: FIMStateStore(directory: tree.stateDirectory),
            logger: Logger(label: "fim-test"), bufferedBatches: 1)
        let running = Task { try await monitor.run() }
        // Nobody consumes yet: the inventory takes the only buffer slot.
        #expect(await eventually(within: .seconds(5)) { monitor.currentCounters.fullRescans >= 1 })
        try tree.write("late", "kept for later")
        #expect(await eventually(within: .seconds(5)) { monitor.currentCounters.droppedBatches >= 1 })
        let collector = ChangeCollector(monitor.changes)
        let late = await collector.first(within: .seconds(5)) { $0.kind == .created && $0.path == tree.path("late") }
        #expect(late?.change.new?.sha256 == TemporaryTree.sha256("kept for later"))
        running.cancel()
        try await running.value
    }

    @Test func eventsDuringASlowRateLimitedRescanAreReadAndReported() async throws {
        try tree.write("big", String(repeating: "x", count: 4_000_000))
        try await withMonitor({
            $0.rescanInterval = .milliseconds(100)
            $0.rescanRateMegabytesPerSecond = 1
        }) { monitor, collector in
            // The first rate-limited rescan starts 100 ms after the first scan and holds to
            // 1 MB/s, so it hashes `big` for about 4 s: once it has paused, the write lands inside it.
            #expect(await eventually(within: .seconds(30)) { monitor.currentCounters.rescanPauses >= 1 })
            try tree.write("during", "written mid-rescan")
            let during = await collector.first(within: .seconds(30)) { $0.kind == .created && $0.path == tree.path("during") }
            #expect(during?.change.new?.sha256 == TemporaryTree.sha256("written mid-rescan"))
            #expect(monitor.currentCounters.eventsReadDuringRescans >= 1)
            #expect(monitor.currentCounters.queueOverflows == 0)
        }
    }

    @Test func aRestartWithNothingChangedReportsNothing() async throws {
        try tree.write("a", "one")
        try await withMonitor { _, _ in }
        var configuration = FIMConfiguration(paths: [tree.root], rescanInterval: nil)
        configuration.maxWatches = 8
        let report = try FileIntegrityScan.run(configuration, store: FIMStateStore(directory: tree.stateDirectory))
        #expect(report.changes.isEmpty)
    }
}
