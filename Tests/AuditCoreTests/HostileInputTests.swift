@testable import AuditCore
import FleetModel
import Foundation
import Testing

/// Hostile input: host-controlled bytes must never trap, hang or grow memory without bound.
@Suite struct HostileInputTests {
    func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// Serials jumping by almost 2²⁴ per record (the largest jump still counted as loss): each
    /// gap used to cost one loop turn per missing serial, seconds per record.
    @Test func hugeSerialJumpsAreCountedInOneStep() {
        var a = AuditEventAssembler()
        let jump: UInt32 = (1 << 24) - 100  // from the floor (newest less the window) still below 2²⁴
        let clock = ContinuousClock()
        let start = clock.now
        for k: UInt32 in 0..<8 {
            _ = a.recordReceived(record("type=USER_AUTH msg=audit(1.000:\(k &* jump)): pid=1 res=success")!)
        }
        _ = a.streamEnded()
        let elapsed = clock.now - start
        #expect(a.counters.lost == 7 * Int(jump - 1))
        #expect(a.counters.events == 8)
        #expect(seconds(elapsed) < 2, "took \(elapsed)")
    }

    /// Runs of loss next to serials seen out of order count what the one-by-one count did
    /// (a naive model of it here), on random streams with jumps, reordering and restarts.
    @Test func lossRunsCountAsOneByOne() {
        struct Naive {
            var window: UInt32
            var floor: UInt32?
            var newest: UInt32 = 0
            var seen: Set<UInt32> = []
            mutating func serialSeen(_ s: UInt32) -> Int {
                guard let f = floor else { floor = s; newest = s; seen = [s]; return 0 }
                let ahead = s &- f
                if ahead >= 1 << 31 { if f &- s > 1 << 20 { floor = s; newest = s; seen = [s] }; return 0 }
                if ahead > 1 << 24 { floor = s; newest = s; seen = [s]; return 0 }
                seen.insert(s)
                if s &- newest < 1 << 31 { newest = s }
                return advance(window)
            }
            mutating func advance(_ margin: UInt32) -> Int {
                guard var f = floor else { return 0 }
                var lost = 0
                while true {
                    if seen.remove(f) != nil { f &+= 1 }
                    else if newest &- f < 1 << 31, newest &- f >= margin, f != newest &+ 1 { lost += 1; f &+= 1 }
                    else { break }
                }
                floor = f
                return lost
            }
        }
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let window = UInt32.random(in: 1...70, using: &rng)
            var counter = SerialGapCounter()
            counter.window = window
            var naive = Naive(window: window)
            var serial = UInt32.random(in: 0...UInt32.max, using: &rng)
            var lost = 0, naiveLost = 0
            for _ in 0..<60 {
                switch Int.random(in: 0..<10, using: &rng) {
                case 0: serial &+= UInt32.random(in: 0..<3000, using: &rng)
                case 1: serial &-= UInt32.random(in: 0..<100, using: &rng)
                case 2: serial = UInt32.random(in: 0...UInt32.max, using: &rng)
                default: serial &+= UInt32.random(in: 0..<5, using: &rng)
                }
                lost += counter.serialSeen(serial)
                naiveLost += naive.serialSeen(serial)
                #expect(lost == naiveLost)
            }
            #expect(counter.streamEnded() == naive.advance(0))
        }
    }

    /// Thousands of distinct rule keys in one event (hex joined by 0x01, or many key= fields)
    /// made the duplicate check quadratic; an event keeps at most 128 keys, the first ones.
    @Test func manyDistinctKeysAreCappedAndFast() {
        let names = (0..<20_000).map { "k\($0)" }
        let hex = names.map { Array($0.utf8).map { String(format: "%02X", $0) }.joined() }.joined(separator: "01")
        let quoted = names.map { "key=\"\($0)\"" }.joined(separator: " ")
        let clock = ContinuousClock()
        let start = clock.now
        let joined = normalize(["type=SYSCALL msg=audit(1.000:1): arch=c000003e syscall=2 pid=1 key=\(hex)"])
        let fields = normalize(["type=SYSCALL msg=audit(1.000:1): arch=c000003e syscall=2 pid=1 \(quoted)"])
        let elapsed = clock.now - start
        #expect(joined.keys == Array(names.prefix(128)))
        #expect(fields.keys == Array(names.prefix(128)))
        #expect(seconds(elapsed) < 3, "took \(elapsed)")
    }

    /// A hostile exe longer than PATH_MAX used to be kept (up to 1 MB per pid) and written into
    /// the lineage cache file, which then refused to load as a whole after a restart.
    @Test func overlongExeIsNotRememberedAndTheCacheFileStillLoads() throws {
        var lineage = ProcessLineage()
        var normal = AuditEvent(timestampMilliseconds: 0, serial: 1)
        normal.process.pid = 10
        normal.process.exe = "/usr/bin/sh"
        lineage.eventSeen(&normal)
        var hostile = AuditEvent(timestampMilliseconds: 0, serial: 2)
        hostile.process.pid = 11
        hostile.process.exe = "/" + String(repeating: "a", count: 20_000)
        lineage.eventSeen(&hostile)
        #expect(lineage.count == 1)
        let loaded = try ProcessLineage(cacheFile: lineage.cacheFile(bootID: "b"), bootID: "b")
        var copy = loaded
        #expect(copy.executable(of: 10) == "/usr/bin/sh")
        #expect(copy.executable(of: 11) == nil)

        // A pid that turns into an overlong exe forgets its old one (it is stale).
        hostile.process.pid = 10
        lineage.eventSeen(&hostile)
        #expect(lineage.executable(of: 10) == nil)
    }

    /// A unix socket path is cut at sizeof(struct sockaddr_storage): a hostile saddr of any
    /// length made a path kept in SocketBindings for every bound fd.
    @Test func unixSocketPathIsBoundedBySockaddrStorage() {
        let hex = "0100" + String(repeating: "61", count: 100_000)
        let e = normalize(["type=SOCKADDR msg=audit(1.000:1): saddr=\(hex)"])
        #expect(e.socket?.family == "unix")
        #expect(e.socket?.path == String(repeating: "a", count: 126))
        // Odd-length, short and empty saddr values decode to something or nothing, never trap.
        for saddr in ["0", "010", "02", "0200", "020000", "0A00", "1000", "", "(null)", "ZZ", "0100" + "00" + "61"] {
            _ = normalize(["type=SOCKADDR msg=audit(1.000:1): saddr=\(saddr)"])
        }
    }

    /// A stamp fraction of 20 or more digits: its first three digits are the milliseconds
    /// (one division too many made them a tenth).
    @Test func longStampFractionKeepsItsMilliseconds() {
        for fraction in ["1234567890123456789", "12345678901234567890", "1234567890123456789012345"] {
            #expect(record("type=USER_AUTH msg=audit(7.\(fraction):1): pid=1")?.timestampMilliseconds == 7123, "\(fraction)")
        }
    }

    /// Many open events growing at once: their records together stay within
    /// ``AuditEventAssembler/Configuration/maximumBytesInFlight`` (the oldest are evicted), where
    /// before only each event was bounded (4096 × 32 MB). No record is lost.
    @Test func openEventsTogetherStayWithinTheBudget() {
        var config = AuditEventAssembler.Configuration()
        config.maximumBytesInFlight = 1 << 20
        var a = AuditEventAssembler(configuration: config)
        var done: [AuditEventAssembler.Event] = []
        done += a.recordReceived(record("type=EOE msg=audit(1.000:1):")!)  // EOE seen: only time completes events
        let argument = String(repeating: "41", count: 4000)  // an 8 KB record
        var sent = 1
        var largest = 0
        for round in 0..<8 {
            for serial: UInt32 in 10..<210 {
                done += a.recordReceived(record("type=EXECVE msg=audit(1.000:\(serial)): a\(round)=\(argument)")!)
                sent += 1
                largest = max(largest, a.inFlight.entries.map(\.value.records.weight).reduce(0, +))
            }
        }
        done += a.streamEnded()
        #expect(largest <= (1 << 20) + 9000)
        #expect(a.bytesInFlight == 0)
        #expect(a.counters.evicted > 0)
        #expect(done.map(\.records.count).reduce(0, +) == sent)
    }

    /// A record of thousands of empty fields holds 20 bytes of fields per 3 bytes of text: the
    /// per-event bound counts them.
    @Test func eventBoundCountsFields() {
        var config = AuditEventAssembler.Configuration()
        config.maximumEventBytes = 1 << 20
        var a = AuditEventAssembler(configuration: config)
        let fields = String(repeating: "a= ", count: 100_000)  // 300 KB of text, 2 MB of fields
        var done: [AuditEventAssembler.Event] = []
        for _ in 0..<3 { done += a.recordReceived(record("type=SYSCALL msg=audit(1.000:5): \(fields)")!) }
        #expect(a.counters.evicted == 1)
        done += a.streamEnded()
        #expect(done.map(\.records.count).reduce(0, +) == 3)
    }
}
