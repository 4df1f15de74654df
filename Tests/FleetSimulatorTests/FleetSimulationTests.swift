import FleetModel
import FleetSimulator
import Foundation
import Testing

@Suite struct FleetSimulationTests {
    @Test func sameSeedGivesIdenticalBytes() throws {
        let again = try FleetSimulation(SampleFleet.configuration())
        for host in again.hosts.prefix(4) {
            #expect(SampleFleet.render(again, host) == SampleFleet.texts[host.name], "\(host.name)")
        }
        #expect(again.groundTruthJSON == SampleFleet.simulation.groundTruthJSON)
    }

    @Test func differentSeedGivesDifferentFleet() throws {
        let other = try FleetSimulation(SampleFleet.configuration(seed: 43))
        #expect(SampleFleet.render(other, other.hosts[0]) != SampleFleet.texts[other.hosts[0].name])
        #expect(other.groundTruthJSON != SampleFleet.simulation.groundTruthJSON)
    }

    @Test func chunkSizeDoesNotChangeOutput() throws {
        let host = SampleFleet.simulation.hosts[1]
        var bytes: [UInt8] = []
        var chunks = 0
        SampleFleet.simulation.writeLog(of: host, flushThreshold: 1) {
            bytes += $0
            chunks += 1
        }
        #expect(chunks >= SampleFleet.days)
        #expect(String(decoding: bytes, as: UTF8.self) == SampleFleet.texts[host.name])
    }

    @Test func everyLineIsAnAuditRecordInsideTheWindow() {
        for (name, log) in SampleFleet.logs {
            #expect(log.records.count > 1_000, "\(name)")
            for record in log.records {
                #expect(record.type != "INVALID", "\(name): a line is not type=… msg=audit(…:…): …")
                #expect(record.type.allSatisfy { $0.isUppercase || $0 == "_" }, "\(name): \(record.type)")
                #expect(record.timeMilliseconds >= SampleFleet.startMilliseconds && record.timeMilliseconds < SampleFleet.endMilliseconds,
                        "\(name): \(record.eventID) outside the window")
                #expect(record.enrichment == nil)
            }
        }
    }

    @Test func sortedByTimeExceptInterleavedConcurrentEvents() {
        var interleaved = 0
        for (name, log) in SampleFleet.logs {
            var previous: LogRecord?
            var finished = Set<Substring>()
            for record in log.records {
                if let previous {
                    #expect(record.timeMilliseconds >= previous.timeMilliseconds - 50, "\(name): \(record.eventID) goes back in time")
                    if previous.eventID != record.eventID {
                        if finished.contains(record.eventID) { interleaved += 1 }
                        finished.insert(previous.eventID)
                    }
                }
                previous = record
            }
        }
        #expect(interleaved > 0, "some concurrent events should be interleaved")
    }

    @Test func serialsIncreasePerBoot() {
        for (name, log) in SampleFleet.logs {
            var last = 0
            var seen = Set<Substring>()
            var boots = 0
            for record in log.records {
                if record.type == "DAEMON_START" {
                    boots += 1
                    last = 0
                    seen = []
                    continue
                }
                if record.type == "DAEMON_END" { continue }
                guard seen.insert(record.eventID).inserted else { continue }
                #expect(record.serial > last, "\(name): serial \(record.serial) after \(last)")
                last = record.serial
            }
            #expect(boots >= 1, "\(name) never booted")
        }
    }

    @Test func groundTruthSubjectsAppearOnTheLastDayAndNeverInTheRolesTraining() throws {
        let truth = SampleFleet.simulation.groundTruth
        #expect(Set(truth.map(\.kind)) == Set(GroundTruthEntry.Kind.allCases))
        let minerHost = truth.first { $0.subject == "/var/tmp/.cache/kthreadd" }?.host
        #expect(minerHost != nil, "a role with three hosts gets a host misbehaving during training")
        for entry in truth where entry.kind != .hostSilent {
            let term = ObservedTerm(kind: entry.kind.rawValue, subject: entry.subject)
            let log = try #require(SampleFleet.logs[entry.host])
            let onLastDay = log.terms.filter { $0.term == term && $0.time >= SampleFleet.lastDayStart }
            #expect(onLastDay.contains { $0.time == entry.timeMilliseconds }, "\(entry.host) \(entry.kind) \(entry.subject) not at \(entry.time)")
            let role = SampleFleet.simulation.hosts.first { $0.name == entry.host }!.role.rawValue
            for peer in SampleFleet.hosts(of: role) {
                let inTraining = SampleFleet.logs[peer.name]!.terms.contains { $0.term == term && $0.time < SampleFleet.lastDayStart }
                #expect(inTraining == (peer.name == minerHost && entry.host == minerHost), "\(peer.name) shows \(entry.subject) in training")
            }
        }
    }

    @Test(arguments: ["web:1", "db:2", "cache:3,db:1", "worker:2,web:1"])
    func smallAndUnknownFleetsStillShowEveryGroundTruthSubject(roles: String) throws {
        let simulation = try FleetSimulation(SampleFleet.configuration(roles: roles, days: 2, seed: 5))
        let logs = Dictionary(uniqueKeysWithValues: simulation.hosts.map { ($0.name, HostLog(text: SampleFleet.render(simulation, $0))) })
        #expect(simulation.groundTruth.count >= 12)
        for entry in simulation.groundTruth {
            if entry.kind == .hostSilent {
                let last = try #require(logs[entry.host]?.records.last)
                #expect(last.timeMilliseconds <= entry.timeMilliseconds && last.timeMilliseconds > entry.timeMilliseconds - 3_600_000, "\(roles): \(entry.host)")
                continue
            }
            let term = ObservedTerm(kind: entry.kind.rawValue, subject: entry.subject)
            #expect(logs[entry.host]!.terms.contains { $0.term == term && $0.time == entry.timeMilliseconds }, "\(roles): \(entry.host) \(entry.subject)")
            for (name, log) in logs where simulation.hosts.first(where: { $0.name == name })!.role.rawValue == simulation.hosts.first(where: { $0.name == entry.host })!.role.rawValue {
                #expect(!log.terms.contains { $0.term == term && $0.time < SampleFleet.lastDayStart }, "\(roles): \(name) \(entry.subject) in training")
            }
        }
    }

    @Test func silentHostsStopHoursBeforeTheEnd() throws {
        let silent = SampleFleet.simulation.groundTruth.filter { $0.kind == .hostSilent }
        #expect(silent.count == 2)
        for entry in silent {
            #expect(entry.subject == entry.host)
            let last = try #require(SampleFleet.logs[entry.host]?.records.last)
            #expect(last.timeMilliseconds <= entry.timeMilliseconds)
            #expect(last.timeMilliseconds > entry.timeMilliseconds - 3_600_000)
            #expect(SampleFleet.endMilliseconds - last.timeMilliseconds > 4 * 3_600_000)
        }
        let others = SampleFleet.simulation.hosts.filter { host in !silent.contains { $0.host == host.name } }
        for host in others {
            let last = try #require(SampleFleet.logs[host.name]?.records.last)
            #expect(SampleFleet.endMilliseconds - last.timeMilliseconds < 3_600_000, "\(host.name) looks silent")
        }
    }

    @Test func peersOfARoleShareTheirDaemonsAndPorts() {
        let expected: [String: Set<String>] = [
            "web": ["22/tcp /usr/sbin/sshd", "80/tcp /usr/sbin/nginx", "443/tcp /usr/sbin/nginx", "8080/tcp /usr/bin/python3.11",
                    "53/tcp /usr/lib/systemd/systemd-resolved", "323/tcp /usr/sbin/chronyd"],
            "db": ["22/tcp /usr/sbin/sshd", "5432/tcp /usr/lib/postgresql/16/bin/postgres", "53/tcp /usr/lib/systemd/systemd-resolved", "323/tcp /usr/sbin/chronyd"],
            "worker": ["22/tcp /usr/sbin/sshd", "53/tcp /usr/lib/systemd/systemd-resolved", "323/tcp /usr/sbin/chronyd"],
        ]
        for (role, ports) in expected {
            for host in SampleFleet.hosts(of: role) {
                let listens = Set(SampleFleet.logs[host.name]!.terms.filter { $0.term.kind == "listen" && $0.time < SampleFleet.lastDayStart }.map(\.term.subject))
                #expect(listens == ports, "\(host.name)")
            }
        }
    }

    @Test func peersAreAlikeButNotIdentical() {
        let web = SampleFleet.hosts(of: "web").map { SampleFleet.logs[$0.name]! }
        let execs = web.map { Set($0.terms.filter { $0.term.kind == "exec" && $0.time < SampleFleet.lastDayStart }.map(\.term.subject)) }
        let common = execs.dropFirst().reduce(execs[0]) { $0.intersection($1) }
        #expect(common.isSuperset(of: ["/usr/sbin/nginx", "/usr/bin/run-parts", "/usr/bin/dash", "/usr/sbin/logrotate"]))
        #expect(Set(web.map(\.records.count)).count == web.count, "peers should differ in volume")
        let cronPids = web.map { log in log.records.first { $0.body.contains("comm=\"cron\"") }?.field("pid") }
        #expect(Set(cronPids).count > 1, "pids are host-specific")
    }

    @Test func workerObjectStorageSpansManyAddressesOfOneSlash16() {
        for host in SampleFleet.hosts(of: "worker") {
            let day = SampleFleet.lastDayStart - 86_400_000
            let storage = SampleFleet.logs[host.name]!.terms.filter {
                $0.term.kind == "connect" && $0.term.subject.hasSuffix(":443/tcp") && $0.time >= day && $0.time < day + 86_400_000
                    && !$0.term.subject.hasPrefix("198.51.100.")
                    && !$0.term.subject.hasPrefix("151.101.")  // fwupdmgr's daily refresh from the Debian mirror
            }.map(\.term.subject)
            #expect(Set(storage).count >= 150, "\(host.name): \(Set(storage).count) distinct")
            #expect(storage.allSatisfy { $0.hasPrefix("52.216.") }, "\(host.name)")
        }
    }

    @Test func webObjectStorageAddressesChangeDaily() {
        let log = SampleFleet.logs["web-03"]!
        func addresses(day: Int) -> Set<String> {
            let start = SampleFleet.startMilliseconds - SampleFleet.startMilliseconds % 86_400_000 + Int64(day) * 86_400_000
            return Set(log.terms.filter { $0.term.kind == "connect" && $0.term.subject.hasPrefix("52.216.") && $0.time >= start && $0.time < start + 86_400_000 }.map(\.term.subject))
        }
        let first = addresses(day: 1), second = addresses(day: 2)
        #expect(!first.isEmpty && !second.isEmpty)
        #expect(first.intersection(second).count < first.count / 2)
    }

    @Test func operatorsLogInOnSomeDaysAndRunVariedCommands() {
        var loginDays = Set<Int64>()
        var commands = Set<String>()
        for log in SampleFleet.logs.values {
            for (time, term) in log.terms where term.kind == "login" && term.subject.hasSuffix("@10.0.100.0/24") {
                loginDays.insert(time / 86_400_000)
            }
            for record in log.records where record.type == "SYSCALL" && record.field("tty") == "pts0" {
                commands.insert(record.field("exe") ?? "")
            }
        }
        #expect(loginDays.count >= 3)
        #expect(commands.count >= 8, "\(commands)")
    }

    @Test func groundTruthJSONIsAnArrayOfDocumentedObjects() throws {
        let data = Data(SampleFleet.simulation.groundTruthJSON.utf8)
        let array = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: String]])
        #expect(array.count == SampleFleet.simulation.groundTruth.count)
        for object in array {
            #expect(Set(object.keys) == ["host", "time", "kind", "subject", "description"])
            let time = try TimeExpression.date(from: object["time"]!, now: Date())
            #expect(time >= SampleFleet.end.addingTimeInterval(-86_400) && time < SampleFleet.end)
            #expect(GroundTruthEntry.Kind(rawValue: object["kind"]!) != nil)
        }
    }

    @Test func withoutAttacksThereIsNoGroundTruthAndNoIntrusion() throws {
        let simulation = try FleetSimulation(SampleFleet.configuration(roles: "web:2", days: 2, attacks: false))
        #expect(simulation.groundTruth.isEmpty)
        #expect(simulation.groundTruthJSON == "[]\n")
        let text = SampleFleet.render(simulation, simulation.hosts[0])
        #expect(!text.contains("/tmp/.x") && !text.contains("res=failed' ") && !text.contains("remove_rule"))
    }

    @Test func daysOutOfRangeAreRejected() throws {
        #expect(throws: SimulationError.self) { try FleetSimulation(SampleFleet.configuration(days: 0)) }
        #expect(throws: SimulationError.self) { try FleetSimulation(SampleFleet.configuration(days: 367)) }
    }
}
