@testable import AuditCore
import FleetModel
import Testing

/// The decoder normalizes every event with one reused builder; nothing may carry over.
@Suite struct BuilderReuseTests {
    @Test(arguments: ["capture-raw.log", "capture-enriched.log"])
    func aReusedBuilderGivesWhatAFreshOneGives(_ name: String) throws {
        let bytes = try fixture(name)
        var assembler = AuditEventAssembler()
        var events: [AuditEventAssembler.Event] = []
        for line in bytes.split(separator: 0x0A) {
            if case .record(let r) = Array(line).withUnsafeBytes({ AuditRecordParser.parseLogLine($0) }) {
                assembler.recordReceived(r, into: &events)
            }
        }
        events += assembler.streamEnded()
        #expect(events.count >= 50)  // every kind the capture has: exec, connect, bind, listen, config, daemon
        var reused = AuditEventNormalizer.Builder()
        for e in events {
            reused.normalize(e.records)
            #expect(reused.event == AuditEventNormalizer.normalize(Array(e.records)), "serial \(e.serial)")
        }
    }

    /// A tripwire: a new field of AuditEvent, AuditProcess or AuditUser must also be cleared in
    /// `AuditEventNormalizer.Builder.reset()`, or it leaks from one event into the next.
    @Test func resetKnowsEveryField() {
        let event = AuditEvent(timestampMilliseconds: 0, serial: 0)
        #expect(Mirror(reflecting: event).children.count == 14, "update Builder.reset() for the new AuditEvent field")
        #expect(Mirror(reflecting: event.process).children.count == 9, "AuditProcess changed: check Builder.reset()")
        #expect(Mirror(reflecting: event.user).children.count == 9, "AuditUser changed: check Builder.reset()")
    }
}
