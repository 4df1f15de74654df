@testable import AgentRuntime
import Foundation
import Synchronization
import Testing

/// A record line as auditd writes it, numbered so that loss, duplication and order show.
func record(_ number: Int) -> String {
    "type=SYSCALL msg=audit(1700000000.\(number % 1000):\(number)): arch=c000003e syscall=59 success=yes exit=0 comm=\"cmd\(number)\" seq=\(number)"
}

func records(_ numbers: Range<Int>) -> [String] { numbers.map(record) }

func text(_ lines: [[UInt8]]) -> [String] { lines.map { String(decoding: $0, as: UTF8.self) } }

/// A fresh directory under the system temporary directory, removed by ``remove()``.
struct TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/herdwatch-logsource-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw TestFailure("mkdtemp failed") }
        path = String(cString: made)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Appends to a file through an O_APPEND descriptor, as auditd writes its log.
final class AppendingWriter {
    let fd: Int32

    init(_ path: String) throws {
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw TestFailure("open \(path): errno \(errno)") }
    }

    deinit { close(fd) }

    func write(bytes: [UInt8]) {
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        precondition(written == bytes.count, "short write")
    }

    func write(_ string: String) { write(bytes: Array(string.utf8)) }

    func write(lines: [String]) { write(lines.map { $0 + "\n" }.joined()) }
}

/// Drains a source's batches in a task and lets a test wait, with a deadline, for a number
/// of lines or for the end of the stream.
final class Collector: Sendable {
    struct Line: Hashable, Sendable {
        var bytes: [UInt8]
        var flags: LogLine.Flags
        var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    struct State {
        var lines: [Line] = []
        var positions: [LogPosition?] = []
        var gapFlags: [Bool] = []
        var finished = false
    }

    private let state = Mutex(State())
    private let task = Mutex<Task<Void, Never>?>(nil)

    /// Drains on ``CollectorExecutor``'s thread, not the cooperative pool: in a full
    /// `swift test` run the pool (one thread per core) can be busy with other suites'
    /// CPU-bound tests for minutes on a loaded machine, and a consumer starved there would
    /// hold the source back by its back-pressure and fail the deadlines below with the
    /// source working fine.
    static func draining(_ source: some AuditSource) -> Collector {
        let collector = Collector()
        let batches = source.batches
        collector.task.withLock {
            $0 = Task(executorPreference: CollectorExecutor.shared) {
                for await batch in batches {
                    collector.state.withLock { state in
                        for index in batch.lines.indices {
                            state.lines.append(Line(bytes: Array(batch[line: index]), flags: batch.lines[index].flags))
                        }
                        state.positions.append(batch.position)
                        state.gapFlags.append(batch.followsPossibleGap)
                    }
                }
                collector.state.withLock { $0.finished = true }
            }
        }
        return collector
    }

    var snapshot: State { state.withLock { $0 } }

    /// Waits until at least `count` lines arrived; fails the test on the deadline.
    @discardableResult
    func waitForLines(_ count: Int, timeout: Duration = .seconds(10), sourceLocation: SourceLocation = #_sourceLocation) async -> [Line] {
        await waitUntil(timeout: timeout, "\(count) lines", sourceLocation: sourceLocation) { $0.lines.count >= count }
        return snapshot.lines
    }

    /// Waits for `count` lines, then stops `source` and returns every line delivered up to the
    /// end of the stream, so that a late duplicate would show.
    func lines(_ count: Int, thenStopping source: some AuditSource, sourceLocation: SourceLocation = #_sourceLocation) async -> [Line] {
        await waitForLines(count, sourceLocation: sourceLocation)
        source.stop()
        return await waitForFinish(sourceLocation: sourceLocation)
    }

    /// Waits until the stream finished; fails the test on the deadline.
    @discardableResult
    func waitForFinish(timeout: Duration = .seconds(10), sourceLocation: SourceLocation = #_sourceLocation) async -> [Line] {
        await waitUntil(timeout: timeout, "the end of the stream", sourceLocation: sourceLocation) { $0.finished }
        return snapshot.lines
    }

    /// Re-checks `condition` every 2 ms until it holds or `timeout` passes (the deadline, not
    /// a sleep, decides: a slow machine only waits longer).
    func waitUntil(timeout: Duration, _ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ condition: (State) -> Bool) async {
        let deadline = ContinuousClock.now + timeout
        while !condition(snapshot) {
            if ContinuousClock.now >= deadline {
                Issue.record("timed out waiting for \(what); have \(snapshot.lines.count) lines", sourceLocation: sourceLocation)
                return
            }
            try? await Task.sleep(for: .milliseconds(2))
        }
    }
}

/// One dedicated thread for the ``Collector`` tasks of the process, so that what the tests
/// measure against their deadlines is the source, not how busy the cooperative pool is.
final class CollectorExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked Sendable: `jobs` is read and written only with `condition` locked.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    static let shared = CollectorExecutor()

    private init() {
        let thread = Thread { [self] in runJobs() }
        thread.name = "test-collector"
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func runJobs() {
        var batch: [UnownedJob] = []
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            swap(&batch, &jobs)
            condition.unlock()
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
            batch.removeAll(keepingCapacity: true)
        }
    }
}

extension LogFileAuditSource.Configuration {
    /// Fast settings for tests: short grace and poll intervals.
    static func testing(_ path: String) -> Self {
        var configuration = Self(path: path)
        configuration.pollInterval = .milliseconds(200)
        configuration.rotationGracePeriod = .milliseconds(50)
        configuration.partialLineTimeout = .seconds(30)
        return configuration
    }
}
