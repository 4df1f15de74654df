@testable import AuditCore
import FleetModel
import Foundation
import Testing

@Suite struct AuditEventAssemblerTests {
    func r(_ type: String, _ serial: UInt32, _ ms: Int64 = 1000, _ rest: String = "x=1") -> AuditRecord {
        let seconds = ms / 1000, millis = ms % 1000
        let stamp = "\(seconds).\(String(format: "%03d", millis))"
        return record("type=\(type) msg=audit(\(stamp):\(serial)): \(rest)")!
    }

    func serials(_ events: [AuditEventAssembler.Event]) -> [UInt32] { events.map(\.serial) }
    func counts(_ events: [AuditEventAssembler.Event]) -> [Int] { events.map(\.records.count) }

    @Test func endOfEventCompletesAndInterleaves() {
        var a = AuditEventAssembler()
        #expect(a.recordReceived(r("SYSCALL", 10)).isEmpty)
        #expect(a.recordReceived(r("SYSCALL", 11)).isEmpty)
        #expect(a.recordReceived(r("EXECVE", 10)).isEmpty)
        #expect(a.recordReceived(r("PATH", 11)).isEmpty)
        let e11 = a.recordReceived(r("EOE", 11))
        #expect(serials(e11) == [11])
        #expect(counts(e11) == [2], "EOE itself is not kept")
        let e10 = a.recordReceived(r("EOE", 10))
        #expect(serials(e10) == [10])
        #expect(e10.first?.records.map(\.type) == [.syscall, .execve])
        #expect(a.eventsInFlight == 0)
        #expect(a.counters.lost == 0)
    }

    @Test func bookkeepingStaysBoundedOnLongStreams() {
        var config = AuditEventAssembler.Configuration()
        config.maximumEventsInFlight = 100
        var a = AuditEventAssembler(configuration: config)
        var completed = 0
        var serial: UInt32 = 1
        for i in 1...50_000 {
            let ms = 1000 + Int64(i)
            completed += a.recordReceived(r("SYSCALL", serial, ms)).count
            completed += a.recordReceived(r("EOE", serial, ms)).count
            serial += 1
            if i % 7 == 0 {
                // A kernel record without EOE: it completes by event time.
                completed += a.recordReceived(r("NETFILTER_PKT", serial, ms)).count
                serial += 1
            }
        }
        #expect(a.order.count - a.orderHead <= 2 * 512 + 1)
        #expect(a.eventsInFlight <= 100)
        #expect(completed + a.streamEnded().count == 50_000 + 50_000 / 7)
        #expect(a.counters.lost == 0)
    }

    @Test func singleRecordTypesCompleteAtOnce() {
        var a = AuditEventAssembler()
        #expect(serials(a.recordReceived(r("USER_LOGIN", 5))) == [5])
        #expect(serials(a.recordReceived(r("DAEMON_START", 9000))) == [9000])
        #expect(a.recordReceived(r("SYSCALL", 6)).isEmpty)
    }

    @Test func lateRecordsOfCompletedEventsAreCounted() {
        var a = AuditEventAssembler()
        _ = a.recordReceived(r("SYSCALL", 1))
        #expect(serials(a.recordReceived(r("EOE", 1))) == [1])
        #expect(a.recordReceived(r("EOE", 1)).isEmpty)
        #expect(a.counters.lateRecords == 1)
        #expect(serials(a.recordReceived(r("PATH", 1))) == [1], "a late non-EOE record is kept as its own event")
        #expect(a.counters.lateRecords == 2)
    }

    @Test func laterSerialsCompleteEventsWithoutEOE() {
        var config = AuditEventAssembler.Configuration()
        config.serialWindow = 4
        var a = AuditEventAssembler(configuration: config)
        _ = a.recordReceived(r("SYSCALL", 100))
        _ = a.recordReceived(r("PATH", 100))
        #expect(a.recordReceived(r("SYSCALL", 103)).isEmpty)
        let done = a.recordReceived(r("SYSCALL", 104))
        #expect(serials(done) == [100])
        #expect(counts(done) == [2])
        #expect(serials(a.streamEnded()) == [103, 104])
    }

    @Test func eventTimeTimeoutInStreamsWithEOE() {
        var config = AuditEventAssembler.Configuration()
        config.timeoutMilliseconds = 2000
        var a = AuditEventAssembler(configuration: config)
        _ = a.recordReceived(r("SYSCALL", 1, 1000))
        _ = a.recordReceived(r("EOE", 1, 1000))  // the stream has EOE
        _ = a.recordReceived(r("NETFILTER_PKT", 2, 1500))
        #expect(a.recordReceived(r("SYSCALL", 3, 3400)).isEmpty, "2 is 1.9 s old")
        // Sweeps run every quarter timeout of event time (the last one was at 3.4 s).
        #expect(a.recordReceived(r("SYSCALL", 4, 3600)).isEmpty)
        #expect(serials(a.recordReceived(r("SYSCALL", 5, 4000))) == [2])
        #expect(serials(a.eventTimeAdvanced(to: 10_000)) == [3, 4, 5])
    }

    @Test func inFlightLimitFlushesOldestFirst() {
        var config = AuditEventAssembler.Configuration()
        config.maximumEventsInFlight = 3
        config.serialWindow = 1000
        var a = AuditEventAssembler(configuration: config)
        for s: UInt32 in [7, 5, 6] { #expect(a.recordReceived(r("SYSCALL", s)).isEmpty) }
        #expect(serials(a.recordReceived(r("SYSCALL", 8))) == [7])
        #expect(serials(a.recordReceived(r("SYSCALL", 9))) == [5])
        #expect(a.counters.evicted == 2)
        #expect(a.eventsInFlight == 3)
    }

    @Test func oneSerialRepeatedWithoutEndIsCutIntoBoundedEvents() {
        var config = AuditEventAssembler.Configuration()
        config.maximumEventBytes = 64 << 10
        var a = AuditEventAssembler(configuration: config)
        let argument = String(repeating: "41", count: 4000)  // an 8 KB record
        var done: [AuditEventAssembler.Event] = []
        for i in 0..<100 { done += a.recordReceived(r("EXECVE", 3, 1000, "a\(i)=\(argument)")) }
        done += a.streamEnded()
        #expect(done.allSatisfy { $0.records.bytes.count <= (64 << 10) + 9000 })
        #expect(done.map(\.records.count).reduce(0, +) == 100)
        #expect(a.counters.evicted == 1)  // then the serial counts as done: its later records stand alone
        #expect(done.count > 1)
    }

    @Test func gapsCountedWithoutFalseAlarmsOnInterleaving() {
        var config = AuditEventAssembler.Configuration()
        config.serialWindow = 4
        var a = AuditEventAssembler(configuration: config)
        for s: UInt32 in [10, 12, 11, 14, 13, 15, 16] { _ = a.recordReceived(r("USER_AUTH", s)) }
        #expect(a.counters.lost == 0)
        for s: UInt32 in [20, 21, 22, 23, 24, 25] { _ = a.recordReceived(r("USER_AUTH", s)) }
        #expect(a.counters.lost == 3, "17, 18, 19 never came")
        _ = a.recordReceived(r("USER_AUTH", 27))
        _ = a.streamEnded()
        #expect(a.counters.lost == 4, "26 is counted at the end of the stream")
    }

    @Test func serialsWrap() {
        var a = AuditEventAssembler()
        for s: UInt32 in [UInt32.max - 1, UInt32.max, 0, 1] { _ = a.recordReceived(r("USER_AUTH", s)) }
        _ = a.streamEnded()
        #expect(a.counters.lost == 0)
        #expect(a.counters.events == 4)
    }

    @Test func daemonRecordsDoNotCountAsGaps() {
        var a = AuditEventAssembler()
        _ = a.recordReceived(r("DAEMON_START", 5000))
        for s: UInt32 in [100, 101] { _ = a.recordReceived(r("USER_AUTH", s)) }
        _ = a.recordReceived(r("DAEMON_END", 5001))
        _ = a.streamEnded()
        #expect(a.counters.lost == 0)
    }

    @Test func sameSerialOnTwoNodesIsTwoEvents() {
        var a = AuditEventAssembler()
        _ = a.recordReceived(record("node=a type=SYSCALL msg=audit(1.000:1): x=1")!)
        _ = a.recordReceived(record("node=b type=SYSCALL msg=audit(1.000:1): x=1")!)
        #expect(counts(a.streamEnded()) == [1, 1])
    }

    /// go-libaudit's reassembler test logs, with the results its own test asserts
    /// (`REASSEMBLER_EXPECTED.derived.json`).
    @Test(arguments: ["normal", "out_of_order", "lost_messages", "rollover"])
    func goLibauditReassembly(_ name: String) throws {
        guard let expectedBytes = corpusFile("go-libaudit/testdata/REASSEMBLER_EXPECTED.derived.json"),
            let log = corpusFile("go-libaudit/testdata/\(name).log")
        else { return }
        let all = try JSONSerialization.jsonObject(with: Data(expectedBytes)) as! [String: Any]
        let expected = all["testdata/\(name).log"] as! [String: Any]
        let expectedEvents = (expected["events"] as! [[String: Any]]).map {
            (($0["seq"] as! NSNumber).uint32Value, ($0["count"] as! NSNumber).intValue)
        }
        var a = AuditEventAssembler()
        var done: [AuditEventAssembler.Event] = []
        for line in log.split(separator: 0x0A) {
            guard case .record(let rec) = line.withUnsafeBytes({ AuditRecordParser.parseLogLine($0) }) else {
                Issue.record("unparsed line in \(name)")
                continue
            }
            done += a.recordReceived(rec)
        }
        done += a.streamEnded()
        #expect(done.map(\.serial) == expectedEvents.map(\.0))
        #expect(done.map(\.records.count) == expectedEvents.map(\.1))
        #expect(a.counters.lost == (expected["dropped"] as! NSNumber).intValue)
    }
}
