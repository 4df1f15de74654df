@testable import AgentRuntime
import Testing

/// Chains of input → action, no I/O.
@Suite struct ShipperStateMachineTests {
    typealias Machine = Shipper.StateMachine
    let b1 = testBatch(1), b2 = testBatch(2), b3 = testBatch(3), b4 = testBatch(4)

    func machine(queue: Int = 2, spoolHasUnread: Bool = false) -> Machine {
        Machine(
            .init(queueCapacity: queue, initialBackoff: .milliseconds(100), maxBackoff: .seconds(1), jitter: 0, seed: 1),
            spoolHasUnread: spoolHasUnread
        )
    }

    func spooled(_ batch: ShipBatch, end: Int = 100) -> SpooledBatch {
        SpooledBatch(batch: batch, location: SpoolLocation(segment: 1, end: end))
    }

    @Test func connectedCopiesOneAtATimeAndAcknowledgesInOrder() {
        var machine = machine()
        #expect(machine.batchReady(b1) == .copy(b1))
        #expect(machine.batchReady(b2) == .none)
        #expect(machine.batchReady(b3) == .none)
        #expect(machine.copySucceeded() == .acknowledge(b1.position, then: .copy(b2)))
        #expect(machine.copySucceeded() == .acknowledge(b2.position, then: .copy(b3)))
        #expect(machine.copySucceeded() == .acknowledge(b3.position, then: .none))
        #expect(machine.batchReady(b4) == .copy(b4))
    }

    @Test func failureSpoolsWhatIsHeldThenReplaysInOrderAndReconnects() {
        var machine = machine()
        #expect(machine.batchReady(b1) == .copy(b1))
        #expect(machine.batchReady(b2) == .none)
        #expect(
            machine.copyFailed(retryable: true)
                == .spool([b1, b2], then: .acknowledge(b2.position, then: .retry(after: .milliseconds(100)))))
        // While spooling, new batches go behind the spooled ones; the checkpoint follows them.
        #expect(machine.batchReady(b3) == .spool([b3], then: .acknowledge(b3.position, then: .none)))
        #expect(machine.retryTimerFired() == .replay)
        #expect(machine.spoolReplayed(spooled(b1)) == .copy(b1))
        #expect(machine.copyFailed(retryable: true) == .retry(after: .milliseconds(200)))
        #expect(machine.retryTimerFired() == .copy(b1))
        #expect(machine.copySucceeded() == .release(spooled(b1).location, then: .replay))
        #expect(machine.batchReady(b4) == .spool([b4], then: .acknowledge(b4.position, then: .none)))
        #expect(machine.spoolReplayed(spooled(b2, end: 200)) == .copy(b2))
        #expect(machine.copySucceeded() == .release(spooled(b2, end: 200).location, then: .replay))
        #expect(machine.spoolReplayed(nil) == .none)
        #expect(machine.batchReady(b1) == .copy(b1))
    }

    @Test func backoffDoublesUpToTheCapAndResetsAfterSuccess() {
        var machine = machine()
        #expect(machine.batchReady(b1) == .copy(b1))
        #expect(machine.copyFailed(retryable: true) == .spool([b1], then: .acknowledge(b1.position, then: .retry(after: .milliseconds(100)))))
        #expect(machine.retryTimerFired() == .replay)
        #expect(machine.spoolReplayed(spooled(b1)) == .copy(b1))
        for expected in [200, 400, 800, 1000, 1000] {
            #expect(machine.copyFailed(retryable: true) == .retry(after: .milliseconds(expected)))
            #expect(machine.retryTimerFired() == .copy(b1))
        }
        #expect(machine.copySucceeded() == .release(spooled(b1).location, then: .replay))
        #expect(machine.spoolReplayed(spooled(b2, end: 200)) == .copy(b2))
        #expect(machine.copyFailed(retryable: true) == .retry(after: .milliseconds(100)))
    }

    @Test func jitterStaysWithinItsFractionAndFollowsTheSeed() {
        func delays(seed: UInt64) -> [Duration] {
            var machine = Machine(.init(initialBackoff: .seconds(1), maxBackoff: .seconds(1), jitter: 0.5, seed: seed), spoolHasUnread: true)
            return (0..<20).map { _ in machine.nextBackoff() }
        }
        #expect(delays(seed: 7) == delays(seed: 7))
        #expect(delays(seed: 7) != delays(seed: 8))
        #expect(delays(seed: 7).allSatisfy { $0 > .milliseconds(500) && $0 <= .seconds(1) })
    }

    @Test func queueOverflowSpillsTheCopyInFlightAndTheQueueToTheSpool() {
        var machine = machine(queue: 1)
        #expect(machine.batchReady(b1) == .copy(b1))
        #expect(machine.batchReady(b2) == .none)
        // b1 is still in flight, and spooled first so that the checkpoint can pass it.
        #expect(machine.batchReady(b3) == .spool([b1, b2, b3], then: .acknowledge(b3.position, then: .none)))
        #expect(machine.batchReady(b4) == .spool([b4], then: .acknowledge(b4.position, then: .none)))
        // b1's copy succeeded: replay releases its spooled copy instead of shipping it again.
        #expect(machine.copySucceeded() == .replay)
        #expect(machine.spoolReplayed(spooled(b1, end: 10)) == .release(spooled(b1, end: 10).location, then: .replay))
        #expect(machine.spoolReplayed(spooled(b2, end: 20)) == .copy(b2))
    }

    @Test func aSpilledCopyThatFailsIsReplayedFromTheSpool() {
        var machine = machine(queue: 0)
        #expect(machine.batchReady(b1) == .copy(b1))
        #expect(machine.batchReady(b2) == .spool([b1, b2], then: .acknowledge(b2.position, then: .none)))
        #expect(machine.copyFailed(retryable: true) == .retry(after: .milliseconds(100)))
        #expect(machine.retryTimerFired() == .replay)
        #expect(machine.spoolReplayed(spooled(b1)) == .copy(b1))
        #expect(machine.copySucceeded() == .release(spooled(b1).location, then: .replay))
    }

    @Test func rejectedBatchesAreDiscardedWithoutBlockingTheOthers() {
        var machine = machine()
        #expect(machine.batchReady(b1) == .copy(b1))
        #expect(machine.batchReady(b2) == .none)
        #expect(machine.copyFailed(retryable: false) == .discard(b1, then: .acknowledge(b1.position, then: .copy(b2))))
        #expect(machine.copyFailed(retryable: false) == .discard(b2, then: .acknowledge(b2.position, then: .none)))
        var draining = self.machine(spoolHasUnread: true)
        #expect(draining.started() == .replay)
        #expect(draining.spoolReplayed(spooled(b3)) == .copy(b3))
        #expect(draining.copyFailed(retryable: false) == .discard(b3, then: .release(spooled(b3).location, then: .replay)))
    }

    @Test func aSpoolLeftByTheLastRunIsReplayedFirst() {
        var machine = machine(spoolHasUnread: true)
        #expect(machine.batchReady(b3) == .spool([b3], then: .acknowledge(b3.position, then: .none)))
        #expect(machine.started() == .replay)
        #expect(machine.spoolReplayed(spooled(b1)) == .copy(b1))
        #expect(machine.copySucceeded() == .release(spooled(b1).location, then: .replay))
    }

    @Test func shutdownWhileConnectedFlushesMemoryToTheSinkThenFinishes() {
        var machine = machine()
        #expect(machine.shutdownRequested() == .finish)
        var busy = self.machine()
        #expect(busy.batchReady(b1) == .copy(b1))
        #expect(busy.batchReady(b2) == .none)
        #expect(busy.shutdownRequested() == .none)
        #expect(busy.copySucceeded() == .acknowledge(b1.position, then: .copy(b2)))
        #expect(busy.copySucceeded() == .acknowledge(b2.position, then: .finish))
        #expect(busy.isFinished)
    }

    @Test func shutdownWhenTheSinkFailsSpoolsMemoryThenFinishes() {
        var machine = machine()
        #expect(machine.batchReady(b1) == .copy(b1))
        #expect(machine.batchReady(b2) == .none)
        #expect(machine.shutdownRequested() == .none)
        #expect(machine.copyFailed(retryable: true) == .spool([b1, b2], then: .acknowledge(b2.position, then: .finish)))
        #expect(machine.isFinished)
    }

    @Test func shutdownWhileWaitingOrReplayingStopsReplay() {
        var waiting = machine()
        _ = waiting.batchReady(b1)
        _ = waiting.copyFailed(retryable: true)
        #expect(waiting.shutdownRequested() == .finish)

        var replaying = machine(spoolHasUnread: true)
        #expect(replaying.started() == .replay)
        #expect(replaying.spoolReplayed(spooled(b1)) == .copy(b1))
        #expect(replaying.shutdownRequested() == .none)
        #expect(replaying.copySucceeded() == .release(spooled(b1).location, then: .finish))

        var reading = machine(spoolHasUnread: true)
        #expect(reading.started() == .replay)
        #expect(reading.shutdownRequested() == .none)
        #expect(reading.spoolReplayed(spooled(b1)) == .finish)
    }

    @Test func shutdownWithASpilledCopyInFlightWaitsForItThenFinishes() {
        var machine = machine(queue: 0)
        #expect(machine.batchReady(b1) == .copy(b1))
        #expect(machine.batchReady(b2) == .spool([b1, b2], then: .acknowledge(b2.position, then: .none)))
        #expect(machine.shutdownRequested() == .none)
        #expect(machine.copyFailed(retryable: true) == .finish)
        #expect(machine.isFinished)
    }
}
