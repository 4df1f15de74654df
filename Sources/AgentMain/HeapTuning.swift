import CMalloc

/// Keeps the agent's heap small in `run` and `scan` (glibc malloc, `mallopt(3)`).
///
/// By default glibc gives each thread that contends for the heap an arena of its own and keeps
/// freed memory in each; it also raises its mmap threshold after the first large block is
/// freed, so later batch buffers (a batch's COPY text is hundreds of KB) stay in the heap after
/// use. At 5,000 events/s that held about 12 MB of anonymous memory against 6 MB with one
/// arena and fixed 64 KiB thresholds (`ops/bench/README.md`, "ingest vs psql"). The agent's
/// threads (reader, shipper, one connection) allocate little concurrently, so one arena costs
/// no measurable speed at that rate. A `scan` of 100,000 files peaked at 128 MB on an idle
/// machine but 444 MB under load with per-thread arenas; its memory must follow its path count.
/// `replay`, which is about throughput, keeps the defaults.
enum HeapTuning {
    static func limitForLongRunningAgent() {
        _ = herdwatch_mallopt_arena_max(1)
        // A fixed threshold also turns off glibc's dynamic adjustment of it.
        _ = herdwatch_mallopt_mmap_threshold(64 * 1024)
        _ = herdwatch_mallopt_trim_threshold(64 * 1024)
    }
}
