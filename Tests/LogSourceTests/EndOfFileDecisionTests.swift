@testable import AgentRuntime
import Glibc
import Testing

/// ``LogFileAuditSource/decide(_:configuration:)`` without files or clocks.
@Suite struct EndOfFileDecisionTests {
    private let configuration: LogFileAuditSource.Configuration = {
        var configuration = LogFileAuditSource.Configuration(path: "/var/log/audit/audit.log")
        configuration.pollInterval = .seconds(1)
        configuration.partialLineTimeout = .seconds(5)
        configuration.rotationGracePeriod = .milliseconds(500)
        return configuration
    }()

    private func file(inode: UInt64, size: Int64) -> FileStatus {
        var status = FileStatus(Glibc.stat())
        status.device = 1
        status.inode = inode
        status.size = size
        return status
    }

    private func state(
        open: FileStatus?, offset: Int64, path: FileStatus?, pending: Int = 0,
        sinceGrowth: Duration = .zero, sinceRotation: Duration? = nil
    ) -> LogFileAuditSource.EndOfFile {
        .init(openFile: open, readOffset: offset, pathFile: path, pendingBytes: pending, sinceGrowth: sinceGrowth, sinceRotationNoticed: sinceRotation)
    }

    private func decide(_ state: LogFileAuditSource.EndOfFile) -> LogFileAuditSource.EndOfFileAction {
        LogFileAuditSource.decide(state, configuration: configuration)
    }

    @Test func waitsAPollIntervalWhenNothingChanged() {
        let live = file(inode: 5, size: 100)
        #expect(decide(state(open: live, offset: 100, path: live)) == .wait(timeout: .seconds(1), flushPartialLine: false, rotationPending: false))
    }

    @Test func restartsATruncatedFile() {
        #expect(decide(state(open: file(inode: 5, size: 10), offset: 100, path: file(inode: 5, size: 10))) == .restartTruncated)
    }

    @Test func waitsOutTheGracePeriodThenSwitches() {
        let old = file(inode: 5, size: 100)
        let new = file(inode: 6, size: 0)
        #expect(decide(state(open: old, offset: 100, path: new)) == .wait(timeout: .milliseconds(500), flushPartialLine: false, rotationPending: true))
        #expect(decide(state(open: old, offset: 100, path: new, sinceRotation: .milliseconds(300))) == .wait(timeout: .milliseconds(200), flushPartialLine: false, rotationPending: true))
        #expect(decide(state(open: old, offset: 100, path: new, sinceRotation: .milliseconds(500))) == .switchToNewFile)
    }

    @Test func waitsWhileThePathIsMissingBetweenRenameAndCreate() {
        #expect(decide(state(open: file(inode: 5, size: 100), offset: 100, path: nil)) == .wait(timeout: .seconds(1), flushPartialLine: false, rotationPending: false))
    }

    @Test func deliversAPartialLineOnlyAfterItsTimeout() {
        let live = file(inode: 5, size: 100)
        #expect(decide(state(open: live, offset: 100, path: live, pending: 7, sinceGrowth: .milliseconds(4600))) == .wait(timeout: .milliseconds(400), flushPartialLine: false, rotationPending: false))
        #expect(decide(state(open: live, offset: 100, path: live, pending: 7, sinceGrowth: .seconds(5))) == .wait(timeout: .seconds(1), flushPartialLine: true, rotationPending: false))
    }

    @Test func truncationWinsOverRotation() {
        #expect(decide(state(open: file(inode: 5, size: 0), offset: 100, path: file(inode: 6, size: 0), sinceRotation: .seconds(9))) == .restartTruncated)
    }
}
