import FleetModel
import FleetSimulator
import Foundation
import Testing

/// Compares the simulator's record shapes with records captured from this machine's kernel and
/// auditd 3.0.9 (Fixtures/captured-*.log, made by Fixtures/capture.sh).
@Suite struct RecordShapeTests {
    static func fixture(_ name: String) throws -> [LogRecord] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n").compactMap(LogRecord.init(line:))
    }

    /// Field-name sequences per record type; EXECVE's `aN` names are collapsed, they vary with argc.
    static func shapes(_ records: [LogRecord], enriched: Bool) -> [String: Set<[String]>] {
        var result: [String: Set<[String]>] = [:]
        for record in records {
            let text = enriched ? (record.enrichment ?? "") : record.body
            var names = LogRecord.fieldNames(text)
            if record.type == "EXECVE" { names = names.map { $0.hasPrefix("a") ? "aN" : $0 } }
            if record.type == "CONFIG_CHANGE" { names = names.map { $0.hasPrefix("audit_") ? "audit_*" : $0 } }
            result[record.type, default: []].insert(names)
        }
        return result
    }

    @Test(arguments: [(LogFormat.raw, "captured-raw.log"), (.enriched, "captured-enriched.log")])
    func simulatedShapesMatchCapturedShapes(format: LogFormat, fixture: String) throws {
        let captured = try Self.fixture(fixture)
        let simulation = try FleetSimulation(SampleFleet.configuration(roles: "web:2,worker:2", days: 2, format: format))
        let simulated = simulation.hosts.flatMap { HostLog(text: SampleFleet.render(simulation, $0)).records }
        let enriched = format == .enriched
        let capturedShapes = Self.shapes(captured, enriched: false)
        let capturedEnrichment = Self.shapes(captured, enriched: true)
        var compared = Set<String>()
        for record in simulated {
            guard let known = capturedShapes[record.type] else { continue }
            compared.insert(record.type)
            var names = LogRecord.fieldNames(record.body)
            if record.type == "EXECVE" { names = names.map { $0.hasPrefix("a") ? "aN" : $0 } }
            if record.type == "CONFIG_CHANGE" { names = names.map { $0.hasPrefix("audit_") ? "audit_*" : $0 } }
            if record.type == "EXECVE" {
                #expect(known.contains { Set($0) == Set(names) || $0.first == "argc" }, "EXECVE \(names)")
            } else {
                #expect(known.contains(names), "\(record.type) \(names) is not a captured shape")
            }
            if enriched, let enrichment = capturedEnrichment[record.type] {
                let extra = record.enrichment.map { LogRecord.fieldNames($0) } ?? []
                #expect(enrichment.contains(extra), "\(record.type) enrichment \(extra)")
            } else {
                #expect(record.enrichment == nil)
            }
        }
        #expect(compared.isSuperset(of: ["SYSCALL", "EXECVE", "CWD", "PATH", "PROCTITLE", "SOCKADDR", "BPRM_FCAPS", "CONFIG_CHANGE", "LOGIN",
                                         "USER_AUTH", "USER_ACCT", "CRED_ACQ", "USER_START", "USER_END", "CRED_DISP", "DAEMON_START"]))
    }

    @Test func untrustedStringsAreHexWhenTheyHaveSpacesOrQuotes() throws {
        let text = SampleFleet.texts["web-01"]!
        // `sh -c "   cd / && run-parts …"` has spaces: its EXECVE a2 is hex, not quoted.
        let hex = "   cd / && run-parts --report /etc/cron.hourly".utf8.map { String(format: "%02X", $0) }.joined()
        #expect(text.contains("a2=\(hex)\n") || text.contains("a2=\(hex) "))
        #expect(text.contains("proctitle=\"-bash\"") || text.contains("a0=\"-bash\""))
        #expect(!text.contains("a2=\"   cd"))
    }

    @Test func sockaddrIsNetworkByteOrder() throws {
        // web → cache 10.0.50.10:6379: family 2 (little-endian), port 0x18EB, address 0A00320A.
        #expect(SampleFleet.texts["web-01"]!.contains("saddr=020018EB0A00320A0000000000000000"))
    }

    @Test func mixedFormatGivesBothKinds() throws {
        let simulation = try FleetSimulation(SampleFleet.configuration(roles: "web:8", days: 1, attacks: false, format: .mixed))
        #expect(Set(simulation.hosts.map(\.enriched)) == [true, false])
        for host in simulation.hosts.prefix(3) {
            let records = HostLog(text: SampleFleet.render(simulation, host)).records
            let syscalls = records.filter { $0.type == "SYSCALL" }
            #expect(syscalls.allSatisfy { ($0.enrichment != nil) == host.enriched })
            #expect(records.first { $0.type == "DAEMON_START" }?.field("format") == (host.enriched ? "enriched" : "raw"))
        }
    }
}
