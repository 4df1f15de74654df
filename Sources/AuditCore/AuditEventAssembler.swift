/// Groups audit records into events: every record of one serial becomes one event.
///
/// A state machine with no I/O and no clock: inputs are past-tense (``recordReceived(_:)``,
/// ``eventTimeAdvanced(to:)``, ``streamEnded()``), each returns the events it completed.
///
/// An event completes
/// - on its `EOE` record (kernel `audit_log_exit` ends every multi-record syscall event with one),
/// - at once when its type is single-record (``AuditRecordType/isSingleRecord``: user space),
/// - when later serials prove it done: in a stream that has shown no `EOE` yet (old kernels,
///   go-libaudit's test logs), once a serial ``Configuration/serialWindow`` past it arrives,
/// - when event time is ``Configuration/timeoutMilliseconds`` past it: event time is the newest
///   record stamp in a stream that has shown `EOE`, and otherwise only what
///   ``eventTimeAdvanced(to:)`` reports (the reader's heartbeat on a quiet stream),
/// - when more than ``Configuration/maximumEventsInFlight`` are open: the oldest first.
///
/// Records may interleave and arrive out of order within these bounds; a record for a serial
/// completed a moment ago (a late `EOE`, say) is dropped and counted in ``Counters/lateRecords``,
/// except that a late non-`EOE` record starts a new event rather than being lost.
///
/// Serial gaps are counted in ``Counters/lost`` (go-audit `detectMissing`): a serial counts as
/// lost once serials ``Configuration/serialWindow`` past it have arrived without it, so
/// interleaving does not raise false alarms. Serials are 32-bit and wrap; a jump backwards
/// (a restarted kernel) restarts the count.
public struct AuditEventAssembler: Sendable {
    public struct Configuration: Sendable {
        public var maximumEventsInFlight = 4096
        public var timeoutMilliseconds: Int64 = 2_000
        public var serialWindow: UInt32 = 64
        /// An event whose records grow past this many bytes (``AuditRecords/weight``: their text,
        /// fields and headers) completes early (evicted), and its
        /// later records make events of their own: a hostile stream repeating one serial
        /// without EOE cannot grow one event without bound. The kernel's largest real events
        /// (an execve with arguments near ARG_MAX, hex encoded) stay far below it.
        public var maximumEventBytes = 32 << 20
        /// When the open events together hold more than this many bytes (``AuditRecords/weight``),
        /// the oldest complete early (evicted). Without it a hostile stream could keep
        /// ``maximumEventsInFlight`` events open at ``maximumEventBytes`` each: 128 GB.
        public var maximumBytesInFlight = 256 << 20
        public init() {}
    }

    public struct Counters: Sendable, Hashable {
        public var records = 0
        public var events = 0
        public var lost = 0
        public var lateRecords = 0
        /// Events completed early because too many were open.
        public var evicted = 0
        public init() {}
    }

    /// A completed event: its records in arrival order.
    public struct Event: Sendable {
        public var serial: UInt32
        public var records: AuditRecords
    }

    typealias Key = SerialKey

    struct InFlight {
        var records: AuditRecords
        var arrival: UInt64
        var timestampMilliseconds: Int64
    }

    public let configuration: Configuration
    public private(set) var counters = Counters()
    /// Record stores of completed events, to assemble later events in (see ``AuditRecordRecycler``).
    public var recycler = AuditRecordRecycler()
    var inFlight = SerialTable<InFlight>()
    /// The ``AuditRecords/weight`` of every open event together.
    var bytesInFlight = 0
    /// Keys in the order their events opened (completed ones are skipped lazily).
    var order: [Key] = []
    var orderHead = 0
    var arrivals: UInt64 = 0
    var newestTimestamp: Int64 = -(1 << 62)
    var lastTimeSweep: Int64 = -(1 << 62)
    var sawEndOfEvent = false
    var gaps = SerialGapCounter()
    /// Recently completed keys, to drop their late records (ring buffer).
    var recentlyDone: [Key?]
    var recentlyDoneSet = SerialTable<Void>(minimumCapacity: 1024)
    var recentlyDoneNext = 0

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.recentlyDone = Array(repeating: nil, count: 1024)
        gaps.window = configuration.serialWindow
    }

    /// A record arrived. Returns the events this completed (often none, usually one).
    public mutating func recordReceived(_ record: AuditRecord) -> [Event] {
        var done: [Event] = []
        recordReceived(record, into: &done)
        return done
    }

    /// A record arrived: appends the events this completed to `done` (a caller-owned buffer,
    /// so a stream reader allocates no array per record).
    public mutating func recordReceived(_ record: borrowing AuditRecord, into done: inout [Event]) {
        let node = record.bytes.withUnsafeBytes { Self.nodeHash($0, record.node) }
        received(type: record.type, serial: record.serial, node: node, timestamp: record.timestampMilliseconds, into: &done) {
            $0.append(record)
        }
    }

    /// A record arrived as its parsed header and its text: its fields are tokenized straight
    /// into its event's store.
    mutating func recordReceived(_ header: AuditRecordParser.Header, text: UnsafeRawBufferPointer, into done: inout [Event]) {
        received(
            type: header.type, serial: header.serial, node: Self.nodeHash(text, header.node),
            timestamp: header.timestampMilliseconds, into: &done
        ) { $0.append(header, text: text) }
    }

    /// The state machine for one record; `store` appends the record to its event's records.
    private mutating func received(
        type: AuditRecordType, serial: UInt32, node: UInt64, timestamp: Int64, into done: inout [Event],
        store: (inout AuditRecords) -> Void
    ) {
        counters.records += 1
        let key = Key(serial: serial, node: node)
        let isEOE = type == .eoe
        if isEOE { sawEndOfEvent = true }

        if let index = inFlight.index(of: key) {
            if isEOE {
                finish(key, removeInFlight(at: index).records, into: &done)  // EOE itself is not kept
            } else {
                let before = inFlight.values[index]!.records.weight
                store(&inFlight.values[index]!.records)  // in place
                let after = inFlight.values[index]!.records.weight
                bytesInFlight += after - before
                // Fields count too: a record of empty fields (`a= a= …`) holds 20 bytes of fields per 3 bytes.
                if after > configuration.maximumEventBytes {
                    counters.evicted += 1
                    finish(key, removeInFlight(at: index).records, into: &done)
                }
                while bytesInFlight > configuration.maximumBytesInFlight, evictOldest(into: &done) {}
            }
            timeNoted(timestamp, into: &done)
            return
        }
        // The first record of a serial (or a late one).
        var records = recycler.take()
        store(&records)
        // auditd stamps its own DAEMON_* records from its own counter, not the kernel's.
        if key.node == 0, !(1200...1299).contains(type.code) { counters.lost += gaps.serialSeen(serial) }
        if recentlyDoneSet.contains(key) {
            counters.lateRecords += 1
            if !isEOE { finish(key, records, into: &done) } else { recycler.recycle(&records) }
        } else if type.isSingleRecord || isEOE {
            finish(key, records, into: &done)
        } else {
            arrivals += 1
            bytesInFlight += records.weight
            inFlight.insert(key, InFlight(records: records, arrival: arrivals, timestampMilliseconds: timestamp))
            order.append(key)
            if !sawEndOfEvent { completeBySerial(newest: key.serial, into: &done) }
            if inFlight.count > configuration.maximumEventsInFlight {
                evictOldest(into: &done)
            }
            while bytesInFlight > configuration.maximumBytesInFlight, evictOldest(into: &done) {}
        }
        timeNoted(timestamp, into: &done)
    }

    /// A record stamp moved event time.
    private mutating func timeNoted(_ timestampMilliseconds: Int64, into done: inout [Event]) {
        guard timestampMilliseconds > newestTimestamp else { return }
        // Without EOE the serial window completes events; record stamps then only move time
        // forward, so that old test logs whose records straggle by seconds still assemble whole.
        if sawEndOfEvent {
            done += eventTimeAdvanced(to: timestampMilliseconds)
        } else {
            newestTimestamp = timestampMilliseconds
        }
    }

    /// Event time moved to `timestampMilliseconds` (a record stamp, or a heartbeat the reader
    /// derives from a quiet stream). Completes events older than the timeout. Sweeps run at most
    /// every quarter timeout of event time, so an event completes within 1¼ timeouts.
    public mutating func eventTimeAdvanced(to timestampMilliseconds: Int64) -> [Event] {
        newestTimestamp = max(newestTimestamp, timestampMilliseconds)
        // Sweep at most every quarter timeout of event time.
        guard timestampMilliseconds - lastTimeSweep >= configuration.timeoutMilliseconds / 4 else { return [] }
        lastTimeSweep = timestampMilliseconds
        let limit = timestampMilliseconds - configuration.timeoutMilliseconds
        return flush(inFlight.entries.filter { $0.value.timestampMilliseconds < limit })
    }

    /// The stream ended: completes every open event, oldest first, and counts the serials still missing.
    public mutating func streamEnded() -> [Event] {
        counters.lost += gaps.streamEnded()
        return flush(inFlight.entries)
    }

    /// Number of events currently open.
    public var eventsInFlight: Int { inFlight.count }

    private mutating func flush(_ selection: [(key: Key, value: InFlight)]) -> [Event] {
        guard !selection.isEmpty else { return [] }
        var done: [Event] = []
        for (key, open) in selection.sorted(by: { $0.value.arrival < $1.value.arrival }) {
            removeInFlight(key)
            finish(key, open.records, into: &done)
        }
        return done
    }

    /// Completes the oldest open events while they are a serial window behind `newest`.
    /// Walks ``order`` from its head, so the cost is O(1) per event, amortized.
    private mutating func completeBySerial(newest: UInt32, into done: inout [Event]) {
        let window = configuration.serialWindow
        while let key = oldestOpenKey() {
            let distance = newest &- key.serial
            guard distance >= window, distance < 1 << 31, let open = removeInFlight(key) else { return }
            finish(key, open.records, into: &done)
        }
    }

    /// Completes the oldest open event; false when none is open.
    @discardableResult
    private mutating func evictOldest(into done: inout [Event]) -> Bool {
        guard let key = oldestOpenKey(), let open = removeInFlight(key) else { return false }
        counters.evicted += 1
        finish(key, open.records, into: &done)
        return true
    }

    /// Removes an open event, keeping ``bytesInFlight``.
    private mutating func removeInFlight(at index: Int) -> InFlight {
        let open = inFlight.remove(at: index)
        bytesInFlight -= open.records.weight
        return open
    }

    @discardableResult
    private mutating func removeInFlight(_ key: Key) -> InFlight? {
        guard let index = inFlight.index(of: key) else { return nil }
        return removeInFlight(at: index)
    }

    /// The key at the head of ``order`` that is still open, dropping completed ones.
    private mutating func oldestOpenKey() -> Key? {
        while orderHead < order.count {
            let key = order[orderHead]
            if inFlight.contains(key) { return key }
            orderHead += 1
        }
        order.removeAll(keepingCapacity: true)
        orderHead = 0
        return nil
    }

    /// Keeps ``order`` bounded: drops the consumed head when it is most of the array, and when
    /// events complete by EOE (so the head is not walked) keeps only the keys still open.
    /// Amortized O(1): a rebuild leaves at most ``Configuration/maximumEventsInFlight`` keys.
    private mutating func compactOrder() {
        if orderHead > 1024, orderHead * 2 > order.count {
            order.removeFirst(orderHead)
            orderHead = 0
        }
        if order.count - orderHead > 2 * max(configuration.maximumEventsInFlight, 512) {
            order = order[orderHead...].filter { inFlight.contains($0) }
            orderHead = 0
        }
    }

    private mutating func finish(_ key: Key, _ records: consuming AuditRecords, into done: inout [Event]) {
        compactOrder()
        counters.events += 1
        done.append(Event(serial: key.serial, records: records))
        if let old = recentlyDone[recentlyDoneNext] { recentlyDoneSet.remove(old) }
        recentlyDone[recentlyDoneNext] = key
        recentlyDoneSet.insert(key, ())
        recentlyDoneNext = (recentlyDoneNext + 1) % recentlyDone.count
    }

    /// FNV-1a of the `node=` name at `node` in `bytes`; 0 without one.
    static func nodeHash(_ bytes: UnsafeRawBufferPointer, _ node: Range<Int32>) -> UInt64 {
        guard !node.isEmpty else { return 0 }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for i in node { h = (h ^ UInt64(bytes[Int(i)])) &* 0x100_0000_01b3 }
        return h | 1
    }
}
