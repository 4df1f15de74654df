import AsyncAlgorithms
import AuditCore
import FleetModel
import Glibc
import Logging
import ServiceLifecycle
import Storage

/// The agent's reading half as one `Service`: source → decoder (records, events, lineage) →
/// ``EventTransform``s → ``EventBatchEncoder`` → ``Shipper/Input``, in batches of
/// `batchEvents` events or `batchDelay`, whichever comes first.
///
/// Checkpoints: a batch carries a log position only where every line before it belongs to an
/// event already encoded (no event in flight in the assembler), so resuming from an
/// acknowledged position never skips part of an event; lines after it may be read twice, and
/// the database's event key stores them once.
///
/// Graceful shutdown stops reading, hands the last batch to the shipper and finishes its input,
/// so the shipper stores everything and stops after the reader (put it first in the group).
/// A log file's events still open are not completed at shutdown: they are read again after
/// the checkpoint at the next start. Netlink and standard input complete them (no re-read).
public struct AuditReader: Service {
    public enum Origin: Sendable {
        /// auditd's log, resumed from and checkpointed to `checkpoints`.
        case logFile(path: String, checkpoints: CheckpointStore)
        /// Standard input, as an audisp plugin.
        case standardInput
        /// The kernel over netlink; `source` is started (and the audit daemon role taken) by the caller.
        case netlink(NetlinkAuditSource)
    }

    public struct Configuration: Sendable {
        public var batchEvents: Int
        public var batchDelay: Duration
        public var bootID: String?
        public var futureSkew: Duration
        /// How long without input before open events are completed by wall-clock time.
        public var quietPeriod: Duration = .seconds(1)
        /// Where the lineage table is kept across restarts; nil keeps it in memory only.
        public var lineageCache: LineageCacheStore?

        public init(batchEvents: Int, batchDelay: Duration, bootID: String?, futureSkew: Duration) {
            self.batchEvents = batchEvents
            self.batchDelay = batchDelay
            self.bootID = bootID
            self.futureSkew = futureSkew
        }
    }

    /// Where events made outside the audit stream (a listening-socket snapshot) are handed in;
    /// they go through the same transforms and batches. `Sendable`: copy it to the producer.
    public struct SynthesizedEvents: Sendable {
        let continuation: AsyncStream<AuditEvent>.Continuation

        /// Queues an event without waiting.
        /// - Returns: false when the buffer (1024 events) was full and the event was dropped.
        @discardableResult
        public func submit(_ event: AuditEvent) -> Bool {
            if case .enqueued = continuation.yield(event) { return true }
            return false
        }
    }

    /// Where rows made outside the audit stream, already in stored form (file-integrity
    /// changes), are handed in; they join the same batches, spool and shipper.
    ///
    /// Unlike ``SynthesizedEvents`` this waits: a file-integrity monitor has already committed
    /// the changes to its state, so dropping them here would lose them for good.
    public struct SynthesizedRows: Sendable {
        let channel: AsyncChannel<[IngestRow]>

        /// Hands rows over once the reader takes them; returns at once when the task is cancelled.
        public func send(_ rows: [IngestRow]) async {
            await channel.send(rows)
        }
    }

    let origin: Origin
    let configuration: Configuration
    let input: Shipper.Input
    let shipperStatistics: Shipper.Statistics
    let inputCapacity: Int
    let transforms: [EventTransform]
    let statistics: AgentStatistics
    let logger: Logger
    let synthesized: AsyncStream<AuditEvent>
    public let synthesizedEvents: SynthesizedEvents
    public let synthesizedRows: SynthesizedRows

    public init(
        origin: Origin, configuration: Configuration, shipper: Shipper, input: Shipper.Input,
        transforms: [EventTransform] = [], statistics: AgentStatistics, logger: Logger
    ) {
        self.origin = origin
        self.configuration = configuration
        self.input = input
        self.shipperStatistics = shipper.statistics
        self.inputCapacity = shipper.configuration.inputCapacity
        self.transforms = transforms
        self.statistics = statistics
        self.logger = logger
        let (stream, continuation) = AsyncStream.makeStream(of: AuditEvent.self, bufferingPolicy: .bufferingOldest(1024))
        self.synthesized = stream
        self.synthesizedEvents = SynthesizedEvents(continuation: continuation)
        self.synthesizedRows = SynthesizedRows(channel: AsyncChannel())
    }

    enum Input: Sendable {
        case lines(LogLineBatch)
        case message(AuditNetlinkMessage)
        case synthesized(AuditEvent)
        case rows([IngestRow])
        case tick
        case ended
    }

    public func run() async throws {
        defer { input.finish() }
        let ticks = AsyncTimerSequence(interval: .milliseconds(100), clock: .continuous).map { _ in Input.tick }
        let others = merge(synthesized.map { Input.synthesized($0) }, synthesizedRows.channel.map { Input.rows($0) })
        switch origin {
        case .logFile(let path, let checkpoints):
            let saved: LogPosition?
            do {
                saved = try checkpoints.load()
            } catch {
                logger.error("log checkpoint unreadable, reading the log from its start", metadata: ["error": "\(error)"])
                saved = nil
            }
            let source = try LogFileAuditSource.start(.init(path: path), resumingFrom: saved)
            defer { source.stop() }
            logger.info("reading audit log", metadata: ["log.path": "\(path)", "log.resume": "\(saved.map { "\($0)" } ?? "start")"])
            let lines = chain(source.batches.map { Input.lines($0) }, [Input.ended].async)
            try await loop(merge(lines, ticks, others), waitsForShipper: true, completesAtEnd: false)
        case .standardInput:
            let source = try StandardInputAuditSource.start()
            defer { source.stop() }
            let lines = chain(source.batches.map { Input.lines($0) }, [Input.ended].async)
            try await loop(merge(lines, ticks, others), waitsForShipper: false, completesAtEnd: true)
        case .netlink(let source):
            defer { source.stop() }
            let messages = chain(source.messages.map { Input.message($0) }, [Input.ended].async)
            let statistics = statistics
            try await loop(merge(messages, ticks, others), waitsForShipper: false, completesAtEnd: true) {
                let counters = source.counters
                statistics.update {
                    $0.netlinkDropped = counters.droppedByBuffer
                    $0.netlinkOverruns = counters.overruns
                }
            }
        }
    }

    private func loop<Inputs: AsyncSequence & Sendable>(
        _ inputs: Inputs, waitsForShipper: Bool, completesAtEnd: Bool, onTick: () -> Void = {}
    ) async throws where Inputs.Element == Input {
        var state = ReaderState(configuration: configuration, transforms: transforms)
        var decoder = AuditLogDecoder()
        let clock = ContinuousClock()
        var shutdown = false
        let lineageCache = configuration.lineageCache
        if let lineageCache, let saved = loadLineage(lineageCache, capacity: decoder.lineage.capacity) { decoder.lineage = saved }
        var lineageSaved = clock.now
        for try await item in inputs.cancelOnGracefulShutdown() {
            switch item {
            case .lines(let batch):
                for index in batch.lines.indices {
                    batch.withLineBytes(index) { state.lineReceived($0, decoder: &decoder) }
                    try await submitFull(&state, waitsForShipper: waitsForShipper)
                }
                state.positionReached(batch.position, now: clock.now, decoder: decoder)
            case .message(let message):
                message.payload.withUnsafeBytes { state.messageReceived(type: message.type, $0, decoder: &decoder) }
                state.lastInput = clock.now
                try await submitFull(&state, waitsForShipper: waitsForShipper)
            case .synthesized(let event):
                state.eventReady(event)
                try await submitFull(&state, waitsForShipper: waitsForShipper)
            case .rows(let rows):
                for row in rows {
                    state.rowReady(row)
                    try await submitFull(&state, waitsForShipper: waitsForShipper)
                }
            case .tick:
                onTick()
                state.ticked(now: clock.now, decoder: &decoder)
                if state.batchIsDue(now: clock.now) { try await submit(&state, waitsForShipper: waitsForShipper) }
                if let lineageCache, clock.now - lineageSaved >= lineageCache.saveInterval {
                    saveLineage(decoder.lineage, lineageCache)
                    lineageSaved = clock.now
                }
            case .ended:
                shutdown = true
            }
            publish(state, decoder)
            if shutdown { break }
        }
        if completesAtEnd { state.streamEnded(decoder: &decoder) }
        if state.hasSomethingToShip { try await submit(&state, waitsForShipper: waitsForShipper) }
        publish(state, decoder)
        if let lineageCache { saveLineage(decoder.lineage, lineageCache) }
        logger.info("reader stopped", metadata: ["reader.events": "\(decoder.statistics.events)"])
    }

    /// The table saved earlier in this boot, or nil (logged) when there is none or it is
    /// unusable: a missing lineage only costs parent executables, never the agent's start.
    private func loadLineage(_ cache: LineageCacheStore, capacity: Int) -> ProcessLineage? {
        do {
            guard let lineage = try cache.load(capacity: capacity) else { return nil }
            logger.info("lineage cache loaded", metadata: ["lineage.pids": "\(lineage.count)"])
            return lineage
        } catch let error as LineageCacheError where error.code == .otherBoot {
            logger.info("lineage cache is of an earlier boot, ignored", metadata: ["lineage.path": "\(cache.path)"])
        } catch {
            logger.warning("lineage cache unreadable, ignored", metadata: ["lineage.path": "\(cache.path)", "error": "\(error)"])
        }
        return nil
    }

    private func saveLineage(_ lineage: ProcessLineage, _ cache: LineageCacheStore) {
        do {
            try cache.save(lineage)
            logger.debug("lineage cache saved", metadata: ["lineage.pids": "\(lineage.count)"])
        } catch {
            logger.warning("lineage cache not saved", metadata: ["lineage.path": "\(cache.path)", "error": "\(error)"])
        }
    }

    private func submitFull(_ state: inout ReaderState, waitsForShipper: Bool) async throws {
        while state.encoder.eventCount >= UInt32(configuration.batchEvents) {
            try await submit(&state, waitsForShipper: waitsForShipper)
        }
    }

    /// Hands the current batch to the shipper. A file reader waits while the shipper's input is
    /// full (the file is the buffer); live sources never wait (a full input drops and counts).
    private func submit(_ state: inout ReaderState, waitsForShipper: Bool) async throws {
        if waitsForShipper {
            while state.submitted >= shipperStatistics.snapshot.receivedBatches + UInt64(max(1, inputCapacity - 1)) {
                if shipperStatistics.snapshot.finished { break }
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        let batch = state.takeBatch()
        state.submitted += 1
        if !input.submit(batch) {
            statistics.update { $0.inputDroppedEvents += UInt64(batch.eventCount) }
        }
        logger.debug("batch ready", metadata: ["batch.sequence": "\(batch.sequence)", "batch.events": "\(batch.eventCount)"])
    }

    private func publish(_ state: ReaderState, _ decoder: AuditLogDecoder) {
        let decoded = decoder.statistics
        statistics.update {
            $0.records = decoded.records
            $0.events = decoded.events
            $0.malformed = decoded.malformed
            $0.serialGaps = decoded.lost
            $0.futureEvents = state.encoder.futureEvents
        }
    }
}
