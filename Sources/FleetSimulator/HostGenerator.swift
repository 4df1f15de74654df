/// What every host generator needs to know about the fleet.
struct FleetContext: Sendable {
    let seed: UInt64
    let start: Int64
    let end: Int64
    /// Internal addresses of each role's hosts, for flows such as web → db:5432.
    let roleAddresses: [String: [UInt32]]
}

/// Generates one host's audit log, a UTC day at a time, in time order.
///
/// Per day it draws *scenarios* (a cron job, a connection, an operator session, an attack step),
/// sorts them by time, expands each into `AuditEvent`s (allocating pids and sessions in time order,
/// as a kernel would), sorts the events, and renders those before the day's end; events that spill
/// past midnight are carried into the next day. Serials restart at each boot. Memory is bounded by
/// one day of one host.
struct HostGenerator {
    let host: SimulatedHost
    let profile: RoleProfile
    let context: FleetContext
    let actions: [AttackAction]
    /// Nothing at or after this time is written (end of window, or the host going silent).
    let cutoff: Int64

    var rng: SplitMix64
    var nextPid = 1
    var serial = 1
    var auditdSerial: Int
    var nextSession = 1
    var order = 0
    var daemons: [String: SimulatedProcess] = [:]
    var workerPids: [String: [Int]] = [:]
    var minerProcess: SimulatedProcess?
    var pending: [TimedEvent] = []
    /// The UTC day being expanded, for daily destinations.
    var currentDay: Int64 = 0

    init(host: SimulatedHost, context: FleetContext, actions: [AttackAction]) {
        self.host = host
        self.profile = RoleProfile.named(host.role.rawValue)
        self.context = context
        self.actions = actions
        var cutoff = context.end
        for action in actions {
            switch action {
            case .silence(let at): cutoff = min(cutoff, at)
            case .tamper(let at): cutoff = min(cutoff, at + AttackAction.tamperDisableDelay + 1)
            default: break
            }
        }
        self.cutoff = cutoff
        self.rng = SplitMix64(seed: context.seed, stream: 1, UInt64(host.index))
        self.auditdSerial = 1_000 + rng.below(8_000)
    }

    var hasMiner: Bool {
        actions.contains { if case .preexistingMiner = $0 { return true } else { return false } }
    }

    /// Renders the whole log, handing full buffers to `flush`.
    /// - Parameters:
    ///   - flushThreshold: bytes after which the buffer is handed over.
    ///   - flush: receives each chunk of log text in order; the caller writes it.
    mutating func run(flushThreshold: Int, flush: ([UInt8]) throws -> Void) rethrows {
        var writer = AuditRecordWriter(
            enriched: host.enriched, device: host.device, inodeSalt: UInt64(host.index) &* 0x51_7CC1, capacity: flushThreshold + 65_536)
        let firstDay = context.start / dayMilliseconds
        let lastDay = (context.end - 1) / dayMilliseconds
        let firstBoot = context.start + rng.int64(in: 0...(10 * minuteMilliseconds))
        let rebootDay: Int64? =
            lastDay - firstDay >= 3 && rng.chance(0.35) ? firstDay + 1 + Int64(rng.below(Int(lastDay - firstDay - 2))) : nil
        for day in firstDay...lastDay {
            let dayStart = day * dayMilliseconds
            let dayEnd = min(dayStart + dayMilliseconds, cutoff)
            guard dayStart < cutoff else { break }
            currentDay = day
            var dayRng = SplitMix64(seed: context.seed, stream: 2, UInt64(host.index), UInt64(bitPattern: day))
            var scenarios = planDay(day, rng: &dayRng)
            if day == firstDay { scenarios.append((firstBoot, .boot)) }
            if day == rebootDay {
                scenarios.append((dayStart + 3 * hourMilliseconds + dayRng.int64(in: 0...(50 * minuteMilliseconds)), .reboot))
            }
            scenarios.removeAll { $0.time < context.start || $0.time >= cutoff }
            if let reboot = scenarios.first(where: { if case .reboot = $0.scenario { true } else { false } })?.time {
                // Nothing runs while the host is down.
                scenarios.removeAll { entry in
                    if case .reboot = entry.scenario { return false }
                    return entry.time >= reboot && entry.time < reboot + Self.rebootDowntime + 5_000
                }
            }
            scenarios.sort { $0.time < $1.time }
            for (time, scenario) in scenarios {
                expand(scenario, at: time)
            }
            emit(before: dayEnd, into: &writer, rng: &dayRng)
            if writer.bytes.count >= flushThreshold {
                try flush(writer.bytes)
                writer.removeAll()
            }
        }
        if !writer.bytes.isEmpty { try flush(writer.bytes) }
    }

    /// Sorts the pending events and renders those before `limit`, interleaving the records of a
    /// few concurrent pairs the way two CPUs writing at once do.
    private mutating func emit(before limit: Int64, into writer: inout AuditRecordWriter, rng: inout SplitMix64) {
        pending.sort { ($0.time, $0.order) < ($1.time, $1.order) }
        if let removed = rulesRemovedAt {
            // Once `auditctl -D` has run, syscalls are no longer audited.
            pending.removeAll { event in
                guard event.time > removed + 2 else { return false }
                switch event.event {
                case .execve, .socketCall, .socketCreated: return true
                default: return false
                }
            }
        }
        let ready = pending.prefix { $0.time < limit }
        var index = ready.startIndex
        while index < ready.endIndex {
            let current = ready[index]
            if case .daemon = current.event {
                if case .daemon(let type, _) = current.event, type == "DAEMON_START" { serial = 80 + rng.below(300) }
                auditdSerial += 1 + rng.below(5)
                writer.write(current.event, time: current.time, serial: auditdSerial)
                index += 1
                continue
            }
            let next = index + 1 < ready.endIndex ? ready[index + 1] : nil
            if let next, next.time - current.time <= 50, isKernelMultiRecord(current.event), isKernelMultiRecord(next.event), rng.chance(0.5) {
                let first = serial, second = serial + 1
                serial += 2
                let a = writer.recordCount(current.event), b = writer.recordCount(next.event)
                for record in 0..<max(a, b) {
                    if record < a { writer.writeRecord(record, of: current.event, time: current.time, serial: first) }
                    if record < b { writer.writeRecord(record, of: next.event, time: next.time, serial: second) }
                }
                index += 2
                continue
            }
            writer.write(current.event, time: current.time, serial: serial)
            serial += 1
            index += 1
        }
        pending.removeFirst(ready.count)
        if limit >= cutoff { pending.removeAll() }
    }

    private func isKernelMultiRecord(_ event: AuditEvent) -> Bool {
        switch event {
        case .execve, .socketCall, .socketCreated: return true
        default: return false
        }
    }

    // MARK: Building blocks

    mutating func add(_ time: Int64, _ event: AuditEvent) {
        pending.append(TimedEvent(time: time, order: order, event: event))
        order += 1
    }

    mutating func allocatePid() -> Int {
        nextPid += 1 + rng.below(rng.chance(0.1) ? 40 : 4)
        if nextPid > 4_194_000 { nextPid = 300 }
        return nextPid
    }

    mutating func allocateSession() -> Int {
        nextSession += 1
        return nextSession
    }

    static func gid(for uid: Int) -> Int {
        uid == UserNames.chrony ? 110 : uid
    }

    static func comm(_ path: String) -> String {
        let base = path.split(separator: "/").last.map(String.init) ?? path
        return String(base.utf8.prefix(15)) ?? base
    }

    /// Executes `step` under `parent` at `time`, then its connections and children in order.
    /// - Returns: the time at which the step and its children have finished.
    @discardableResult
    mutating func run(_ step: ExecStep, parent: SimulatedProcess, at time: Int64) -> Int64 {
        var process = parent
        process.pid = allocatePid()
        process.ppid = parent.pid
        process.uid = step.uid
        process.gid = Self.gid(for: step.uid)
        process.comm = Self.comm(step.path)
        process.exe = step.exe
        process.argv = step.argv
        add(time, .execve(process, path: step.path))
        var t = time + rng.int64(in: 2...40)
        for connect in step.connects {
            for _ in 0..<connect.count {
                add(t, .socketCall(syscall: 42, process, address: .inet(resolve(connect.destination), port: connect.port), exit: 0))
                t += rng.int64(in: 20...900)
            }
        }
        for child in step.children {
            t = run(child, parent: process, at: t + rng.int64(in: 1...30))
        }
        return t + rng.int64(in: 1...25)
    }

    /// An address for `destination` on the current day.
    mutating func resolve(_ destination: Destination) -> UInt32 {
        switch destination {
        case .address(let text):
            return SocketAddress.ipv4(text)
        case .roleHosts(let role, let fallback):
            guard let addresses = context.roleAddresses[role], !addresses.isEmpty else { return SocketAddress.ipv4(fallback) }
            return rng.pick(addresses)
        case .providerDaily(let prefix, let poolSize):
            var pool = SplitMix64(seed: context.seed, stream: 3, UInt64(prefix), UInt64(bitPattern: currentDay))
            let choice = rng.below(poolSize)
            var address: UInt32 = 0
            for _ in 0...choice {
                address = prefix | UInt32(pool.below(256)) << 8 | UInt32(1 + pool.below(254))
            }
            return address
        case .providerScatter(let prefix):
            return prefix | UInt32(rng.below(256)) << 8 | UInt32(1 + rng.below(254))
        }
    }
}
