import AuditCore
import FleetModel
import FleetSimulator
import Testing

/// The simulator's logs through Herdwatch's own parser, as `herdwatch-agent replay` will read
/// them: every record parses, no serial is lost, and every injected intrusion shows up as the
/// normalized event that learning and detection will see.
@Suite("Simulated logs parsed by AuditCore")
struct ParsedByAuditCoreTests {
    static func decode(_ text: String) -> (events: [AuditEvent], statistics: AuditLogDecoder.Statistics) {
        var decoder = AuditLogDecoder()
        var events: [AuditEvent] = []
        let collect: (AuditLogDecoder.Output) -> Void = { if case .event(let event) = $0 { events.append(event) } }
        Array(text.utf8).withUnsafeBytes { decoder.bytesReceived($0, collect) }
        decoder.streamEnded(collect)
        return (events, decoder.statistics)
    }

    @Test(arguments: [LogFormat.raw, .enriched])
    func everyRecordParsesAndNoSerialIsLost(format: LogFormat) throws {
        let simulation = try FleetSimulation(SampleFleet.configuration(roles: "web:2,db:1,worker:2", days: 2, format: format))
        for host in simulation.hosts {
            let (events, statistics) = Self.decode(SampleFleet.render(simulation, host))
            #expect(statistics.malformed == 0, "\(host.name): malformed records")
            #expect(statistics.lost == 0, "\(host.name): serial gaps")
            #expect(events.count == statistics.events)
            #expect(events.contains { $0.kind == .exec }, "\(host.name) executes programs")
            #expect(events.contains { $0.kind == .connect && $0.socket?.port != nil }, "\(host.name) connects")
            if format == .enriched {
                #expect(events.contains { $0.user.uidName != nil }, "\(host.name): ENRICHED user names")
            }
        }
    }

    @Test func everyGroundTruthEntryIsAParsedEvent() throws {
        let simulation = SampleFleet.simulation
        var eventsByHost: [String: [AuditEvent]] = [:]
        for entry in simulation.groundTruth where eventsByHost[entry.host] == nil {
            eventsByHost[entry.host] = Self.decode(SampleFleet.texts[entry.host]!).events
        }
        for entry in simulation.groundTruth {
            let events = eventsByHost[entry.host]!.filter { abs($0.timestampMilliseconds - entry.timeMilliseconds) <= 60_000 }
            let found: Bool
            switch entry.kind {
            case .exec:
                found = events.contains { $0.kind == .exec && $0.process.exe == entry.subject }
            case .lineage:
                found = events.contains { $0.kind == .exec && "\($0.process.parentExe ?? "?") -> \($0.process.exe ?? "?")" == entry.subject }
            case .connect:
                found = events.contains { $0.kind == .connect && "\($0.socket?.address ?? ""):\($0.socket?.port ?? 0)/tcp" == entry.subject }
            case .listen:
                found = events.contains { $0.kind == .listen && "\($0.socket?.port ?? 0)/tcp \($0.process.exe ?? "")" == entry.subject }
            case .auditTamper:
                found = events.contains { $0.kind == .auditConfig }
            case .authFailures:
                found = events.filter { $0.kind == .authentication && $0.userMessage?.result == "failed" && $0.userMessage?.addr == entry.subject }.count >= 5
            case .login:
                // sshd's successful USER_LOGIN names the uid (`id=`), not the account; PAM's records
                // just before it name the account. The subject is `user@network/24`.
                let user = String(entry.subject.prefix { $0 != "@" })
                let network = entry.subject.split(separator: "@").last.map { $0.split(separator: ".").prefix(3).joined(separator: ".") + "." } ?? "?"
                found = events.contains { $0.kind == .login && $0.userMessage?.result == "success" && $0.userMessage?.addr?.hasPrefix(network) == true }
                    && events.contains { $0.kind == .authentication && $0.userMessage?.acct == user && $0.userMessage?.addr?.hasPrefix(network) == true }
            case .hostSilent:
                found = true  // silence is the absence of events, checked by FleetSimulationTests
            }
            #expect(found, "\(entry.kind.rawValue) \(entry.subject) on \(entry.host) is not a parsed event near its time")
        }
    }
}
