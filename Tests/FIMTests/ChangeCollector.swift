import FileIntegrity
import Synchronization

/// Consumes a monitor's change stream in a task and keeps every change with the instant it
/// arrived, so tests can wait for a change with a deadline and measure its latency.
final class ChangeCollector: Sendable {
    struct Arrival: Sendable {
        var change: FileChange
        var instant: ContinuousClock.Instant
    }

    private final class Log: Sendable {
        let arrivals = Mutex<[Arrival]>([])
    }

    private let log = Log()
    private let task: Task<Void, Never>

    init(_ stream: AsyncStream<[FileChange]>) {
        let log = log
        task = Task {
            for await batch in stream {
                let now = ContinuousClock.now
                log.arrivals.withLock { $0 += batch.map { Arrival(change: $0, instant: now) } }
            }
        }
    }

    deinit { task.cancel() }

    var all: [Arrival] { log.arrivals.withLock { $0 } }

    /// Waits until a change satisfies `predicate`, checking every few milliseconds, up to `timeout`.
    /// - Returns: the first such arrival, or nil when none came in time.
    func first(within timeout: Duration, where predicate: (FileChange) -> Bool) async -> Arrival? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            if let found = all.first(where: { predicate($0.change) }) { return found }
            if ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }
}
