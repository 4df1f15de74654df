@testable import AgentRuntime
import Testing

/// ``LogFileAuditSource/plan(checkpoint:live:rotated:)`` without files.
@Suite struct ResumePlanTests {
    typealias Candidate = LogFileAuditSource.Candidate

    private func file(_ name: String, inode: UInt64, size: Int64, fingerprint: UInt64? = 7) -> Candidate {
        var status = FileStatus(Glibc.stat())
        status.device = 1
        status.inode = inode
        status.size = size
        return Candidate(path: name, status: status, fingerprint: fingerprint)
    }

    private let checkpoint = LogPosition(device: 1, inode: 10, offset: 500, fingerprint: 7)

    @Test func startsAtTheBeginningWithoutACheckpoint() {
        let plan = LogFileAuditSource.plan(checkpoint: nil, live: file("audit.log", inode: 10, size: 900), rotated: [])
        #expect(plan == .init())
    }

    @Test func seeksInTheLiveFile() {
        let plan = LogFileAuditSource.plan(checkpoint: checkpoint, live: file("audit.log", inode: 10, size: 900), rotated: [])
        #expect(plan == .init(liveOffset: 500))
    }

    @Test func startsOverWhenTheLiveFileShrank() {
        let plan = LogFileAuditSource.plan(checkpoint: checkpoint, live: file("audit.log", inode: 10, size: 100), rotated: [])
        #expect(plan == .init(liveOffset: 0, possibleGap: true))
    }

    @Test func finishesTheRotatedFileAndNewerOnesFirst() {
        let rotated = [
            file("audit.log.3", inode: 8, size: 900),
            file("audit.log.2", inode: 10, size: 900),
            file("audit.log.1", inode: 11, size: 300),
        ]
        let plan = LogFileAuditSource.plan(checkpoint: checkpoint, live: file("audit.log", inode: 12, size: 50), rotated: rotated)
        #expect(plan.rotated.map(\.path) == ["audit.log.2", "audit.log.1"])
        #expect(plan.rotated.map(\.offset) == [500, 0])
        #expect(plan.liveOffset == 0)
        #expect(!plan.possibleGap)
    }

    @Test func doesNotTakeAReusedInodeForTheCheckpointedFile() {
        let reused = file("audit.log", inode: 10, size: 900, fingerprint: 99)
        let plan = LogFileAuditSource.plan(checkpoint: checkpoint, live: reused, rotated: [file("audit.log.1", inode: 10, size: 900, fingerprint: nil)])
        #expect(plan == .init(liveOffset: 0, possibleGap: true))
    }

    @Test func reportsAGapWhenTheCheckpointedFileIsGone() {
        let plan = LogFileAuditSource.plan(checkpoint: checkpoint, live: file("audit.log", inode: 12, size: 50), rotated: [file("audit.log.1", inode: 11, size: 10)])
        #expect(plan == .init(liveOffset: 0, possibleGap: true))
    }

    @Test func resumesFromARotatedFileWhenTheLivePathIsMissing() {
        let plan = LogFileAuditSource.plan(checkpoint: checkpoint, live: nil, rotated: [file("audit.log.1", inode: 10, size: 700)])
        #expect(plan.rotated.map(\.path) == ["audit.log.1"])
        #expect(!plan.possibleGap)
    }
}

import Glibc
