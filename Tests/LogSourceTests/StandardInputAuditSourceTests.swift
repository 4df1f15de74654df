@testable import AgentRuntime
import Glibc
import Testing

/// The audisp plugin source over real pipes.
@Suite struct StandardInputAuditSourceTests {
    /// A pipe whose ends are close-on-exec from the start (pipe2(2) with O_CLOEXEC): other
    /// tests of the process spawn children concurrently, and a child that inherited the
    /// write end would keep the pipe open after the test closes it, so the end of the
    /// stream would never come.
    private func makePipe() throws -> (read: Int32, write: Int32) {
        var ends: [Int32] = [0, 0]
        guard pipe2(&ends, O_CLOEXEC) == 0 else { throw TestFailure("pipe2: errno \(errno)") }
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

    @Test func endsWhenClosedWhileAnUnrelatedChildRuns() async throws {
        let (readEnd, writeEnd) = try makePipe()
        defer { close(readEnd) }
        let source = try StandardInputAuditSource.start(descriptor: readEnd)
        defer { source.stop() }
        let collector = Collector.draining(source)
        // A child spawned meanwhile, as other tests of the process do: it must not hold the pipe.
        let arguments: [String] = ["/bin/sleep", "30"]
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        #expect(posix_spawn(&child, "/bin/sleep", nil, nil, argv, environ) == 0)
        defer {
            kill(child, SIGKILL)
            var status: Int32 = 0
            while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        }
        #expect(write(writeEnd, "type=EOE msg=audit(1.0:1): \n", 28) == 28)
        close(writeEnd)
        #expect(await collector.waitForFinish().map(\.text) == ["type=EOE msg=audit(1.0:1): "])
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

/// pipe2(2): Glibc's Swift module does not export it (it is declared only with _GNU_SOURCE).
@_silgen_name("pipe2")
private func pipe2(_ ends: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32
