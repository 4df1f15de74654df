extension Shipper {
    /// Decides where each batch goes (database or spool) and when to retry; performs no I/O.
    ///
    /// States: **connected** (the spool has nothing unread; live batches are copied one at a
    /// time, up to `queueCapacity` more wait in memory), **draining** (the spool has unread
    /// batches; new batches are appended to it and replay copies the oldest first), and
    /// **waiting** (a copy failed; the retry timer runs, new batches go to the spool).
    ///
    /// Ordering: while the spool is not empty every new batch goes to the spool behind what is
    /// there, and replay ships in spool order, so the database sees each source's batches in
    /// order. When the memory queue overflows while a live copy is in flight, the batch in
    /// flight is spooled too, ahead of the queue, so that the checkpoint can advance at once;
    /// if its copy then succeeds, replay releases that first spooled record (matched by sequence)
    /// instead of shipping it again.
    ///
    /// Checkpoint: `.acknowledge(position)` is returned only once every batch up to that
    /// position is in the database or the spool.
    ///
    /// Shutdown: `shutdownRequested()` stops replay; batches in memory are copied (or spooled if
    /// the copy fails), a copy in flight is awaited, then `.finish`. What is left in the spool
    /// is replayed by the next run; a record whose copy had already succeeded (a spilled batch,
    /// or a replayed one in a segment not yet deleted) is shipped again then, which the sink's
    /// unique key makes harmless (at-least-once shipping, exactly-once storage).
    ///
    /// ```swift
    /// var machine = Shipper.StateMachine(configuration, spoolHasUnread: false)
    /// machine.batchReady(b1)      // .copy(b1)
    /// machine.copyFailed(retryable: true)  // .spool([b1], then: .acknowledge(b1.position, then: .retry(after: …)))
    /// ```
    public struct StateMachine {
        public struct Configuration: Hashable, Sendable {
            /// Live batches held in memory behind the one in flight before they go to the spool.
            public var queueCapacity: Int
            /// The delay after the first failure; it doubles with each further failure…
            public var initialBackoff: Duration
            /// …up to this.
            public var maxBackoff: Duration
            /// The fraction of each delay taken away at random (0 = none, 1 = full jitter), so
            /// that a fleet of agents does not retry in step.
            public var jitter: Double
            /// Seeds the jitter, so that a test sees the same delays every time.
            public var seed: UInt64

            public init(
                queueCapacity: Int = 8, initialBackoff: Duration = .milliseconds(200), maxBackoff: Duration = .seconds(30),
                jitter: Double = 0.5, seed: UInt64 = 0
            ) {
                self.queueCapacity = queueCapacity
                self.initialBackoff = initialBackoff
                self.maxBackoff = maxBackoff
                self.jitter = jitter
                self.seed = seed
            }
        }

        /// What the owner does next. Compound actions run in order: the effect, then `then`.
        public indirect enum Action: Hashable, Sendable {
            case none
            /// Ship this batch; report `copySucceeded()` or `copyFailed(retryable:)`.
            case copy(ShipBatch)
            /// Append these batches to the spool, in order.
            case spool([ShipBatch], then: Action)
            /// Everything up to this source position is stored: the checkpoint may advance.
            case acknowledge([UInt8], then: Action)
            /// A replayed batch is stored: release it from the spool.
            case release(SpoolLocation, then: Action)
            /// Read the next batch from the spool; report `spoolReplayed(_:)`.
            case replay
            /// Start the retry timer; report `retryTimerFired()`.
            case retry(after: Duration)
            /// The sink refused this batch for good: count its events as rejected.
            case discard(ShipBatch, then: Action)
            /// Everything is in the database or the spool: stop.
            case finish
        }

        /// A copy in flight while the spool has unread batches.
        enum InFlight: Hashable {
            /// A live batch that is also the first unread record of the spool (spooled when the
            /// queue overflowed).
            case spilled(ShipBatch)
            case replayed(SpooledBatch)
        }

        enum State: Hashable {
            case connected(inFlight: ShipBatch?, queue: [ShipBatch])
            /// `inFlight` nil: a `.replay` read is outstanding. `alreadyStored`: the sequence of a
            /// spilled batch whose copy succeeded, to release rather than ship when replay reaches it.
            case draining(inFlight: InFlight?, alreadyStored: UInt64?)
            /// A replayed batch whose copy failed waits here for the timer.
            case waiting(held: SpooledBatch?)
            case finished
        }

        let configuration: Configuration
        var state: State
        var failures = 0
        var shuttingDown = false
        var random: UInt64

        /// - Parameter spoolHasUnread: whether the spool holds batches from before a restart;
        ///   if so, call ``started()`` to begin replaying them.
        public init(_ configuration: Configuration, spoolHasUnread: Bool) {
            self.configuration = configuration
            self.state = spoolHasUnread ? .waiting(held: nil) : .connected(inFlight: nil, queue: [])
            self.random = configuration.seed
        }

        /// The owner is running: replay what an earlier run left in the spool.
        public mutating func started() -> Action {
            guard case .waiting(held: nil) = state else { return .none }
            state = .draining(inFlight: nil, alreadyStored: nil)
            return .replay
        }

        public mutating func batchReady(_ batch: ShipBatch) -> Action {
            switch state {
            case .connected(nil, _):
                state = .connected(inFlight: batch, queue: [])
                return .copy(batch)
            case .connected(.some(let inFlight), var queue):
                if queue.count < configuration.queueCapacity {
                    queue.append(batch)
                    state = .connected(inFlight: inFlight, queue: queue)
                    return .none
                }
                state = .draining(inFlight: .spilled(inFlight), alreadyStored: nil)
                return .spool([inFlight] + queue + [batch], then: .acknowledge(batch.position, then: .none))
            case .draining, .waiting, .finished:
                return .spool([batch], then: .acknowledge(batch.position, then: .none))
            }
        }

        public mutating func copySucceeded() -> Action {
            failures = 0
            switch state {
            case .connected(.some(let batch), var queue):
                guard !queue.isEmpty else {
                    state = shuttingDown ? .finished : .connected(inFlight: nil, queue: [])
                    return .acknowledge(batch.position, then: shuttingDown ? .finish : .none)
                }
                let next = queue.removeFirst()
                state = .connected(inFlight: next, queue: queue)
                return .acknowledge(batch.position, then: .copy(next))
            case .draining(.spilled(let batch)?, _):
                return replayOrFinish(alreadyStored: batch.sequence)
            case .draining(.replayed(let spooled)?, _):
                return .release(spooled.location, then: replayOrFinish())
            default:
                preconditionFailure("copySucceeded with no copy in flight: \(state)")
            }
        }

        public mutating func copyFailed(retryable: Bool) -> Action {
            switch (state, retryable) {
            case (.connected(.some(let batch), let queue), true):
                let batches = [batch] + queue
                return .spool(batches, then: .acknowledge(batches.last!.position, then: waitOrFinish(holding: nil)))
            case (.connected(.some(let batch), var queue), false):
                guard !queue.isEmpty else {
                    state = shuttingDown ? .finished : .connected(inFlight: nil, queue: [])
                    return .discard(batch, then: .acknowledge(batch.position, then: shuttingDown ? .finish : .none))
                }
                let next = queue.removeFirst()
                state = .connected(inFlight: next, queue: queue)
                return .discard(batch, then: .acknowledge(batch.position, then: .copy(next)))
            case (.draining(.spilled?, _), true):
                return waitOrFinish(holding: nil)
            case (.draining(.replayed(let spooled)?, _), true):
                return waitOrFinish(holding: spooled)
            case (.draining(.spilled(let batch)?, _), false):
                return .discard(batch, then: replayOrFinish(alreadyStored: batch.sequence))
            case (.draining(.replayed(let spooled)?, _), false):
                return .discard(spooled.batch, then: .release(spooled.location, then: replayOrFinish()))
            default:
                preconditionFailure("copyFailed with no copy in flight: \(state)")
            }
        }

        public mutating func retryTimerFired() -> Action {
            guard case .waiting(let held) = state else { return .none }
            state = .draining(inFlight: held.map(InFlight.replayed), alreadyStored: nil)
            return held.map { .copy($0.batch) } ?? .replay
        }

        /// The answer to `.replay`: the next spooled batch, or `nil` when the spool has caught up.
        public mutating func spoolReplayed(_ spooled: SpooledBatch?) -> Action {
            guard case .draining(inFlight: nil, let alreadyStored) = state else {
                preconditionFailure("spoolReplayed without a replay outstanding: \(state)")
            }
            if shuttingDown {
                state = .finished
                return .finish
            }
            guard let spooled else {
                state = .connected(inFlight: nil, queue: [])
                return .none
            }
            if spooled.batch.sequence == alreadyStored {
                state = .draining(inFlight: nil, alreadyStored: nil)
                return .release(spooled.location, then: .replay)
            }
            state = .draining(inFlight: .replayed(spooled), alreadyStored: nil)
            return .copy(spooled.batch)
        }

        /// SIGTERM or the end of the input: accept no more, store what is held, then finish.
        public mutating func shutdownRequested() -> Action {
            guard !shuttingDown else { return .none }
            shuttingDown = true
            switch state {
            case .connected(nil, _):
                state = .finished
                return .finish
            case .waiting:
                state = .finished
                return .finish
            case .connected, .draining, .finished:
                return .none
            }
        }

        /// Whether `.finish` was returned.
        public var isFinished: Bool { state == .finished }

        /// - Parameter alreadyStored: the sequence of a spilled batch the sink now has.
        mutating func replayOrFinish(alreadyStored: UInt64? = nil) -> Action {
            state = shuttingDown ? .finished : .draining(inFlight: nil, alreadyStored: alreadyStored)
            return shuttingDown ? .finish : .replay
        }

        mutating func waitOrFinish(holding held: SpooledBatch?) -> Action {
            if shuttingDown {
                state = .finished
                return .finish
            }
            state = .waiting(held: held)
            failures += 1
            return .retry(after: nextBackoff())
        }
    }
}
