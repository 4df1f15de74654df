@testable import AgentRuntime
import Glibc
import AuditCore
import FleetModel
import Foundation
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

    /// As the audit daemon the agent turns auditing on (the kernel sends nothing otherwise) and,
    /// when it found it off, off again when it stops.
    @Test func theDaemonTurnsAuditingOnAndBackOff() throws {
        let lock = try AuditLock()
        defer { withExtendedLifetime(lock) {} }
        let client = try AuditNetlinkClient()
        let saved = try client.status()
        guard saved.pid == 0, saved.enabled == 0 else { return }  // Another daemon, or audit on: nothing to show.
        defer {
            if let now = try? client.status(), now.enabled != saved.enabled { try? client.set(AuditStatusChange(enabled: saved.enabled)) }
            try? client.set(AuditStatusChange(backlogWaitTime: saved.backlogWaitTime))
        }
        let source = try NetlinkAuditSource.start(mode: .unicast)
        let running = try client.status()
        source.stop()
        let stopped = try client.status()
        #expect(running.enabled == 1 && running.pid == UInt32(getpid()))
        #expect(stopped.enabled == 0 && stopped.pid == 0)
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
                "-a always,exit -F arch=b64 -S socket -F a0=2 -F success=1 -F ppid=\(pid)",
                "-a always,exit -F arch=b64 -S socket -F a0=10 -F success=1 -F ppid=\(pid)",
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
            let ports = try inForkedChild {
                [try listenAndConnect(family: AF_INET), try listenAndConnect(family: AF_INET6), try connectUDP(family: AF_INET)]
            }
            let (ipv4, ipv6, udp) = (ports[0], ports[1], ports[2])

            // Decoded by the real pipeline (AuditCore), as the agent does.
            let events = await collectEvents(from: session.source.messages, key: session.key) { events in
                events.contains { $0.kind == .exec && $0.process.argv == arguments }
                    && events.contains { $0.kind == .connect && $0.socket?.port == ipv6 && $0.socket?.family == "inet6" }
                    && events.contains { $0.kind == .connect && $0.socket?.port == ipv4 && $0.socket?.family == "inet" }
                    && events.filter { $0.kind == .listen }.count >= 2
                    && events.contains { $0.kind == .connect && $0.socket?.port == udp }
            }
            let exec = events.first { $0.kind == .exec && $0.process.argv == arguments }
            #expect(exec != nil, "execve of /bin/true with its arguments, spaces and quotes intact")
            #expect(exec?.process.exe?.hasSuffix("/true") == true)
            #expect(exec?.syscall?.name == "execve")
            #expect(exec?.success == true)
            let connect4 = events.first { $0.kind == .connect && $0.socket?.family == "inet" && $0.socket?.port == ipv4 }
            #expect(connect4?.socket?.address == "127.0.0.1", "IPv4 connect to 127.0.0.1:\(ipv4)")
            let connect6 = events.first { $0.kind == .connect && $0.socket?.family == "inet6" && $0.socket?.port == ipv6 }
            #expect(connect6?.socket?.address == "::1", "IPv6 connect to [::1]:\(ipv6)")
            // The transport comes from the audited socket(2) call that made the fd.
            #expect(connect4?.socket?.proto == "tcp" && connect6?.socket?.proto == "tcp")
            let udpConnect = events.first { $0.kind == .connect && $0.socket?.port == udp }
            #expect(udpConnect?.socket?.proto == "udp", "UDP connect to 127.0.0.1:\(udp)")
            #expect(events.contains { $0.kind == .bind && $0.socket?.port == ipv4 && $0.success == true }, "bind to port \(ipv4)")
            #expect(events.contains { $0.kind == .bind && $0.socket?.port == ipv6 && $0.success == true }, "bind to port \(ipv6)")
            // listen(2) records carry no address: the port comes from the earlier bind on that pid and fd.
            let listenPorts = Set(events.filter { $0.kind == .listen && $0.success == true }.compactMap { $0.socket?.port })
            #expect(listenPorts.isSuperset(of: [ipv4, ipv6]), "listen carries the bound ports")
            let counters = session.source.counters
            #expect(counters.received > 0)
            #expect(counters.droppedByBuffer == 0)
            // Multicast sees the same records, with the correct nlmsg_len instead of the quirk.
            let seen = await collectEvents(from: multicast.messages, key: session.key) { events in
                events.contains { $0.kind == .exec && $0.process.argv == arguments }
            }
            #expect(seen.contains { $0.kind == .exec && $0.process.argv == arguments }, "multicast execve")
            // The one-message reader runs on its own thread: wait (bounded) until it has read its
            // share of the same records before judging its counters.
            for _ in 0..<500 where tiny.counters.received + tiny.counters.droppedByBuffer < 2 {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(tiny.counters.received == 1)
            #expect(tiny.counters.droppedByBuffer > 0)
        }
    }
}

extension KernelAuditTests {
    /// The agent's rule loading (`herdwatch-agent audit rules load`, the code `run` reloads
    /// with) in a child process, then another program (auditctl) deleting the rule: only the
    /// first change is the agent's own, by the pid of its SYSCALL record.
    @Test func ownRuleChangesAreMarkedAndAnotherProgramsAreNot() async throws {
        let agentExecutable = testExecutableDirectory + "/herdwatch-agent"
        try #require(access(agentExecutable, X_OK) == 0, "built herdwatch-agent next to the tests")
        try #require(access("/usr/sbin/auditctl", X_OK) == 0, "auditctl installed")
        try await KernelAuditSession.run { session in
            // Matches nothing of ours: only root's unset auid runs here.
            let rule = "-a always,exit -F arch=b64 -S openat -F exit=-EACCES -F auid>=1000 -F auid!=unset -k \(session.key)"
            let rulesFile = "/tmp/\(session.key).rules"
            try #require(FileManager.default.createFile(atPath: rulesFile, contents: Data((rule + "\n").utf8)))
            defer { unlink(rulesFile) }
            let loader = try spawnAndWait([agentExecutable, "audit", "rules", "load", rulesFile])
            try #require(loader.status == 0, "herdwatch-agent audit rules load")
            let deleter = try spawnAndWait(["/usr/sbin/auditctl", "-D", "-k", session.key])
            try #require(deleter.status == 0, "auditctl -D -k")
            #expect(try session.listedRules().isEmpty)

            let events = await collectEvents(from: session.source.messages, key: session.key) { events in
                events.contains { $0.config?.op == "add_rule" } && events.contains { $0.config?.op == "remove_rule" }
            }
            let mark = Agent.ownConfigChangeTransform(agentPID: loader.pid)
            var added = try #require(events.first { $0.config?.op == "add_rule" }, "add_rule CONFIG_CHANGE")
            var removed = try #require(events.first { $0.config?.op == "remove_rule" }, "remove_rule CONFIG_CHANGE")
            #expect(added.process.pid == loader.pid && added.config?.list == 4)
            #expect(removed.process.pid == deleter.pid && removed.process.exe == "/usr/sbin/auditctl")
            // This test process made neither change.
            var (addedHere, removedHere) = (added, removed)
            Agent.ownConfigChangeTransform()(&addedHere)
            Agent.ownConfigChangeTransform()(&removedHere)
            #expect(addedHere.config?.byAgent == false && removedHere.config?.byAgent == false)
            mark(&added)
            mark(&removed)
            #expect(added.config?.byAgent == true, "the agent's own add_rule")
            #expect(removed.config?.byAgent == false, "auditctl's remove_rule is not the agent's")
        }
    }
}

/// The directory of the test bundle, where SwiftPM also puts the package's executables.
let testExecutableDirectory: String = {
    let path = CommandLine.arguments[0]
    var directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
    // xctest bundles: .build/debug/Pkg.xctest (Linux runs the bundle file itself).
    if directory.hasSuffix(".xctest") { directory = String(directory[..<(directory.lastIndex(of: "/") ?? directory.startIndex)]) }
    return directory
}()

/// Decodes the source's messages with AuditCore until `done` holds for the events carrying
/// `key` seen so far, or 15 seconds pass. Cancelling the reader ends the source's stream, so
/// call this once per source.
func collectEvents(
    from messages: AsyncStream<AuditNetlinkMessage>, key: String, until done: @escaping @Sendable ([AuditEvent]) -> Bool
) async -> [AuditEvent] {
    await withTaskGroup(of: [AuditEvent]?.self) { group in
        group.addTask {
            var decoder = AuditLogDecoder()
            var events: [AuditEvent] = []
            for await message in messages {
                var completed = false
                message.payload.withUnsafeBytes { payload in
                    decoder.netlinkMessageReceived(type: message.type, payload: payload) { output in
                        guard case .event(let event) = output, event.keys.contains(key) else { return }
                        events.append(event)
                        completed = true
                    }
                }
                if completed && done(events) { break }
            }
            return events
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
