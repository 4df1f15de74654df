import AsyncAlgorithms
import Logging
import ServiceLifecycle

extension Shipper {
    /// The inputs of the run loop, from the producers, the copy and timer tasks and shutdown.
    enum Event: Sendable {
        case batchReady(ShipBatch)
        case inputFinished
        case copySucceeded
        case copyFailed(retryable: Bool)
        case retryTimerFired
        case shutdownRequested
    }

    /// Opens the spool, replays what an earlier run left there, then ships until shutdown.
    ///
    /// The loop runs on ``BlockingIOExecutor``, because it writes and syncs the spool; copies
    /// run on the global concurrent executor, so a slow sink does not hold up spool writes.
    /// - Throws: ``SpoolError`` when the spool directory cannot be opened.
    public func run() async throws {
        try await withTaskExecutorPreference(BlockingIOExecutor.shared) {
            try await runLoop()
        }
    }

    func runLoop() async throws {
        let spool = try DiskSpool(configuration.spool)
        defer { spool.close() }
        var machine = StateMachine(configuration.machine, spoolHasUnread: spool.hasUnread)
        let (results, resultSink) = AsyncStream.makeStream(of: Event.self)
        let inputs = chain(batches.map { Event.batchReady($0) }, [Event.inputFinished].async)
        statistics.update {
            $0.running = true
            $0.spool = spool.counters
            $0.spoolBytes = spool.totalBytes
        }
        logger.info("shipper started", metadata: ["spool.bytes": "\(spool.totalBytes)"])
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                var runner = Runner(shipper: self, spool: spool, results: resultSink)
                runner.perform(machine.started(), machine: &machine, group: &group)
                for await event in merge(inputs, results) {
                    let action: StateMachine.Action
                    switch event {
                    case .batchReady(let batch):
                        statistics.update { $0.receivedBatches += 1 }
                        action = machine.batchReady(batch)
                    case .inputFinished, .shutdownRequested: action = machine.shutdownRequested()
                    case .copySucceeded: action = machine.copySucceeded()
                    case .copyFailed(let retryable): action = machine.copyFailed(retryable: retryable)
                    case .retryTimerFired: action = machine.retryTimerFired()
                    }
                    runner.perform(action, machine: &machine, group: &group)
                    if machine.isFinished { break }
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            resultSink.yield(.shutdownRequested)
        }
        resultSink.finish()
        statistics.update {
            $0.running = false
            $0.finished = machine.isFinished
            $0.spool = spool.counters
            $0.spoolBytes = spool.totalBytes
        }
        logger.info("shipper stopped", metadata: ["spool.bytes": "\(spool.totalBytes)"])
    }

    /// Performs actions for the run loop; holds what they need besides the machine.
    struct Runner {
        let shipper: Shipper
        let spool: DiskSpool
        let results: AsyncStream<Event>.Continuation

        /// Runs `action` and the actions chained after it (`then:`, and the answers to `.replay`).
        mutating func perform(
            _ action: StateMachine.Action, machine: inout StateMachine, group: inout DiscardingTaskGroup
        ) {
            var next: StateMachine.Action? = action
            while let current = next {
                next = step(current, machine: &machine, group: &group)
            }
            let counters = spool.counters
            let bytes = spool.totalBytes
            let before = shipper.statistics.snapshot.spool
            shipper.statistics.update {
                $0.spool = counters
                $0.spoolBytes = bytes
            }
            if counters.droppedBatches != before.droppedBatches || counters.corruptSegments != before.corruptSegments {
                shipper.logger.error(
                    "spool lost data",
                    metadata: [
                        "spool.dropped_batches": "\(counters.droppedBatches)",
                        "spool.dropped_events": "\(counters.droppedEvents)",
                        "spool.corrupt_segments": "\(counters.corruptSegments)",
                    ])
            }
        }

        /// One effect; returns the action to run after it, if any.
        func step(
            _ action: StateMachine.Action, machine: inout StateMachine, group: inout DiscardingTaskGroup
        ) -> StateMachine.Action? {
            let logger = shipper.logger
            switch action {
            case .none, .finish:
                return nil
            case .copy(let batch):
                let sink = shipper.sink
                let results = results
                group.addTask(executorPreference: globalConcurrentExecutor) {
                    do {
                        try await sink.ship(batch)
                        results.yield(.copySucceeded)
                    } catch {
                        let retryable = (error as? BatchSinkError)?.isRetryable ?? true
                        logger.debug("copy failed", metadata: ["batch.sequence": "\(batch.sequence)", "error": "\(error)"])
                        results.yield(.copyFailed(retryable: retryable))
                    }
                }
                return nil
            case .spool(let batches, let then):
                do {
                    try spool.append(batches)
                    shipper.statistics.update { $0.spooledBatches += UInt64(batches.count) }
                } catch {
                    logger.error("spool write failed", metadata: ["error": "\(error)"])
                    let events = batches.reduce(UInt64(0)) { $0 + UInt64($1.eventCount) }
                    shipper.statistics.update {
                        $0.spoolFailedBatches += UInt64(batches.count)
                        $0.spoolFailedEvents += events
                    }
                }
                return then
            case .acknowledge(let position, let then):
                shipper.checkpoint(position)
                shipper.statistics.update { $0.checkpoint = position }
                return then
            case .release(let location, let then):
                do {
                    try spool.release(through: location)
                } catch {
                    logger.error("spool release failed", metadata: ["error": "\(error)"])
                }
                shipper.statistics.update { $0.replayedBatches += 1 }
                return then
            case .replay:
                return machine.spoolReplayed(readNext())
            case .retry(let delay):
                let results = results
                shipper.statistics.update { $0.failedCopies += 1 }
                logger.debug("retrying", metadata: ["retry.delay": "\(delay)"])
                group.addTask {
                    try? await Task.sleep(for: delay)
                    results.yield(.retryTimerFired)
                }
                return nil
            case .discard(let batch, let then):
                logger.error("batch rejected by the sink", metadata: ["batch.sequence": "\(batch.sequence)"])
                shipper.statistics.update {
                    $0.rejectedBatches += 1
                    $0.rejectedEvents += UInt64(batch.eventCount)
                }
                return then
            }
        }

        /// The next spooled batch, skipping (and logging) corrupt segments. An I/O error ends
        /// this replay as if the spool were empty; the next failure's replay resumes it.
        func readNext() -> SpooledBatch? {
            while true {
                do {
                    switch try spool.readNext() {
                    case .batch(let spooled)?: return spooled
                    case .corrupted(let error)?:
                        shipper.logger.error(
                            "spool segment corrupt, skipped",
                            metadata: ["spool.segment": "\(error.segment ?? "")", "spool.offset": "\(error.offset ?? 0)"])
                    case nil: return nil
                    }
                } catch {
                    shipper.logger.error("spool read failed", metadata: ["error": "\(error)"])
                    return nil
                }
            }
        }
    }
}
