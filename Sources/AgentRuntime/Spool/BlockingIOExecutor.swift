import Glibc

/// A `TaskExecutor` on one dedicated POSIX thread, for async code that makes blocking file
/// system calls: the shipper's run loop (spool pwrite, fdatasync, unlink) and
/// ``DirectoryBatchSink``. Running them here keeps fdatasync, which can take tens of
/// milliseconds on a busy disk, off the cooperative pool (STYLE.md §5).
///
/// One thread for the process, started on first use and never stopped: unstructured tasks
/// that inherit the preference (AsyncAlgorithms' `merge` makes one) may still enqueue jobs
/// after the code that chose the executor returned, and a stopped thread would strand them.
///
/// ```swift
/// try await withTaskExecutorPreference(BlockingIOExecutor.shared) { try spool.append(batches) }
/// ```
public final class BlockingIOExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked Sendable: `jobs` is read and written only with `mutex` held; the pthread
    // objects are allocated once and never freed (the executor lives as long as the process).
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var jobs: [UnownedJob] = []

    /// The process's blocking I/O thread; `nil` if the thread could not be created, in which
    /// case callers run where they are (`withTaskExecutorPreference(nil)` is a no-op).
    public static let shared: BlockingIOExecutor? = try? BlockingIOExecutor()

    private init() throws(Errno) {
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
        let started = ReaderThread.start { [self] in self.runJobs() }
        if case .failure(let error) = started { throw error }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        pthread_mutex_lock(mutex)
        jobs.append(job)
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
    }

    /// The thread's loop: takes every queued job and runs it, in order.
    private func runJobs() {
        var batch: [UnownedJob] = []
        while true {
            pthread_mutex_lock(mutex)
            while jobs.isEmpty { pthread_cond_wait(condition, mutex) }
            swap(&batch, &jobs)
            pthread_mutex_unlock(mutex)
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
            batch.removeAll(keepingCapacity: true)
        }
    }
}
