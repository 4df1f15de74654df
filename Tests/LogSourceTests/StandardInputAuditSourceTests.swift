@testable import AgentRuntime
import Glibc
import Testing

/// The audisp plugin source over real pipes.
@Suite struct StandardInputAuditSourceTests {
    private func makePipe() throws -> (read: Int32, write: Int32) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw TestFailure("pipe: errno \(errno)") }
        return (ends[0], ends[1])
    }

    @Test func readsLinesUntilThePipeCloses() async throws {
        let (readEnd, writeEnd) = try makePipe()
        defer { close(readEnd) }
        let source = try StandardInputAuditSource.start(descriptor: readEnd)
        defer { source.stop() }
        let collector = Collector.draining(source)
        let payload = Array((records(0..<500).joined(separator: "\n") + "\ntype=EOE msg=audit(1.0:9): ").utf8)
        // Written in pieces that split lines, as a pipe may deliver them.
        for start in stride(from: 0, to: payload.count, by: 997) {
            let piece = Array(payload[start..<min(start + 997, payload.count)])
            #expect(piece.withUnsafeBytes { write(writeEnd, $0.baseAddress, $0.count) } == piece.count)
        }
        await collector.waitForLines(500)
        close(writeEnd)
        let lines = await collector.waitForFinish()
        #expect(lines.map(\.text) == records(0..<500) + ["type=EOE msg=audit(1.0:9): "])
        #expect(lines.last?.flags == .unterminated)
        #expect(collector.snapshot.positions.allSatisfy { $0 == nil })
        #expect(source.counters.failure == nil)
    }

    @Test func readsTheStandardOutputOfAChildProcess() async throws {
        let (readEnd, writeEnd) = try makePipe()
        defer { close(readEnd) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
        posix_spawn_file_actions_addclose(&actions, readEnd)
        let script = "for i in 1 2 3; do printf 'type=SYSCALL msg=audit(1.0:%s): \\000x\\n' $i; done"
        let arguments: [String] = ["/bin/sh", "-c", script]
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        #expect(posix_spawn(&child, "/bin/sh", &actions, nil, argv, environ) == 0)
        close(writeEnd)
        let source = try StandardInputAuditSource.start(descriptor: readEnd)
        defer { source.stop() }
        let collector = Collector.draining(source)
        let lines = await collector.waitForFinish()
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        #expect(lines.map(\.bytes) == (1...3).map { Array("type=SYSCALL msg=audit(1.0:\($0)): ".utf8) + [0, 0x78] })
    }

    @Test func stopsWhileWaitingForInput() async throws {
        let (readEnd, writeEnd) = try makePipe()
        defer { close(readEnd); close(writeEnd) }
        let source = try StandardInputAuditSource.start(descriptor: readEnd)
        let collector = Collector.draining(source)
        let elapsed = ContinuousClock().measure { source.stop() }
        #expect(elapsed < .seconds(2))
        await collector.waitForFinish()
    }
}
