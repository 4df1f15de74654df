@testable import AgentRuntime
import Glibc
import Testing

/// Against the real kernel: runs when the process is root and the audit netlink socket
/// answers, one test at a time under the machine-wide audit lock (see ``KernelAuditSession``).
@Suite(.serialized, .enabled(if: KernelAuditSession.available, "needs root and the kernel audit netlink socket"))
struct KernelAuditTests {
    @Test func statusAnswers() throws {
        let status = try AuditNetlinkClient().status()
        #expect(status.enabled <= 2)
        #expect(status.backlogLimit > 0)
    }

    @Test func rulesAreListedBackAndDeleted() async throws {
        try await KernelAuditSession.run { session in
            try session.add([
                "-a always,exit -F arch=b64 -S openat -F exit=-EACCES -F auid>=1000 -F auid!=unset",
                "-w /etc/herdwatch-test-nonexistent -p wa",
            ])
                        #expect(try session.listedRules() == [
                "-a always,exit -F arch=b64 -S openat -F exit=-EACCES -F auid>=1000 -F auid!=-1 -F key=\(session.key)",
                "-w /etc/herdwatch-test-nonexistent -p wa -k \(session.key)",
            ])
            for rule in try session.client.listRules() where rule.key == session.key { try session.client.deleteRule(rule) }
            #expect(try session.listedRules().isEmpty)
        }
    }

    @Test func secondDaemonIsRefusedNamingThePID() async throws {
        try await KernelAuditSession.run { session in
            let status = try session.client.status()
            try #require(status.pid != 0)
            #expect {
                try NetlinkAuditSource.start(mode: .unicast).stop()
            } throws: { error in
                guard let error = error as? AuditNetlinkError else { return false }
                return error.code == .daemonRegistered && error.daemonPID == status.pid
                    && error.description.contains("pid \(status.pid)") && error.description.contains("multicast")
            }
        }
    }

    @Test func recordsExecConnectBindAndListen() async throws {
        try await KernelAuditSession.run { session in
            let pid = getpid()
            try session.add([
                "-a always,exit -F arch=b64 -S execve -F ppid=\(pid)",
                "-a always,exit -F arch=b64 -S connect,bind,listen -F ppid=\(pid)",
            ])
            // Read-only readers beside the session's: one to see the records, one with room
            // for a single message to count drops.
            let multicast = try NetlinkAuditSource.start(mode: .multicast)
            let tiny = try NetlinkAuditSource.start(mode: .multicast, bufferLimit: 1)
            defer { multicast.stop(); tiny.stop() }
            let arguments = ["/bin/true", "two words", "it's \"quoted\""]
            try spawnAndWait(arguments)
            // The kernel decides when a process is created whether it is audited: this test
            // process predates enabling audit and is not (seen on 6.18), so the sockets are
            // made in a child forked now.
            let ports = try inForkedChild { [try listenAndConnect(family: AF_INET), try listenAndConnect(family: AF_INET6)] }
            let (ipv4, ipv6) = (ports[0], ports[1])

            let events = await collectEvents(from: session.source.messages, key: session.key) { events in
                events.contains { $0.syscall == "59" && $0.execArguments == arguments }
                    && events.contains { $0.syscall == "42" && $0.address?.port == ipv6 && $0.address?.family == 10 }
                    && events.contains { $0.syscall == "42" && $0.address?.port == ipv4 && $0.address?.family == 2 }
                    && events.contains { $0.syscall == "50" }
            }
            let exec = events.first { $0.syscall == "59" && $0.execArguments == arguments }
            #expect(exec != nil, "execve of /bin/true with its arguments")
            #expect(exec?.records.first { $0.type == 1300 }?.string("exe")?.hasSuffix("/true") == true)
            let connect4 = events.first { $0.syscall == "42" && $0.address?.family == 2 && $0.address?.port == ipv4 }
            #expect(connect4?.address?.address == [127, 0, 0, 1], "IPv4 connect to 127.0.0.1:\(ipv4)")
            let connect6 = events.first { $0.syscall == "42" && $0.address?.family == 10 && $0.address?.port == ipv6 }
            #expect(connect6?.address?.address == [UInt8](repeating: 0, count: 15) + [1], "IPv6 connect to [::1]:\(ipv6)")
            #expect(events.contains { $0.syscall == "49" && $0.address?.port == ipv4 && $0.success }, "bind to port \(ipv4)")
            #expect(events.contains { $0.syscall == "49" && $0.address?.port == ipv6 && $0.success }, "bind to port \(ipv6)")
            #expect(events.filter { $0.syscall == "50" && $0.success }.count >= 2, "listen")
            let counters = session.source.counters
            #expect(counters.received > 0)
            #expect(counters.droppedByBuffer == 0)
            // Multicast sees the same records, with the correct nlmsg_len instead of the quirk.
            let seen = await collectEvents(from: multicast.messages, key: session.key) { events in
                events.contains { $0.syscall == "59" && $0.execArguments == arguments }
            }
            #expect(seen.contains { $0.syscall == "59" && $0.execArguments == arguments }, "multicast execve")
            #expect(tiny.counters.received == 1)
            #expect(tiny.counters.droppedByBuffer > 0)
        }
    }
}

/// The records of one audit event (one serial) whose SYSCALL record carries the run's key.
struct AuditedEvent {
    var records: [RecordText]
    var syscall: Substring? { records.first { $0.type == 1300 }?.field("syscall") }
    var success: Bool { records.first { $0.type == 1300 }?.field("success") == "yes" }
    var address: (family: UInt16, port: UInt16, address: [UInt8])? { records.first { $0.type == 1306 }?.socketAddress }
    var execArguments: [String]? {
        guard let execve = records.first(where: { $0.type == 1309 }), let argc = execve.field("argc").flatMap({ Int($0) }) else { return nil }
        return (0..<argc).map { execve.string("a\($0)") ?? "?" }
    }
}

/// Reads the source until `done` holds for the events of `key` seen so far, or 15 seconds pass.
/// Cancelling the reader ends the source's stream, so call this once per source.
func collectEvents(from messages: AsyncStream<AuditNetlinkMessage>, key: String, until done: @escaping @Sendable ([AuditedEvent]) -> Bool) async -> [AuditedEvent] {
    await withTaskGroup(of: [AuditedEvent]?.self) { group in
        group.addTask {
            var events: [Substring: AuditedEvent] = [:]
            for await message in messages {
                let record = RecordText(type: message.type, text: String(decoding: message.payload, as: UTF8.self))
                guard let serial = record.serial else { continue }
                if record.type == 1300, record.field("key") == "\"\(key)\"" {
                    events[serial] = AuditedEvent(records: [record])
                } else if events[serial] != nil {
                    events[serial]!.records.append(record)
                }
                if record.type == 1320, events[serial] != nil, done(Array(events.values)) { break }
            }
            return Array(events.values)
        }
        group.addTask {
            try? await Task.sleep(for: .seconds(15))
            return nil
        }
        // The timer returns nil: cancel the reader, which then returns what it has.
        while let result = await group.next() {
            if let events = result { group.cancelAll(); return events }
            group.cancelAll()
        }
        return []
    }
}
