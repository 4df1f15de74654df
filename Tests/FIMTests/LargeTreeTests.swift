import AgentRuntime
import FileIntegrity
import Foundation
import Glibc
import Testing

/// A tree of 100,000 files: scanned, stored and rescanned with memory that grows with the
/// number of paths (about a few hundred bytes each), not with file sizes or output.
@Suite struct LargeTreeTests {
    static let directories = 100
    static let filesPerDirectory = 1_000

    /// The process's peak resident set in KiB since the last reset (VmHWM in proc(5)).
    private func peakResidentKiB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return -1 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
    }

    /// Resets VmHWM to the current resident set (writing 5 to clear_refs, proc(5)).
    private func resetPeak() {
        let descriptor = open("/proc/self/clear_refs", O_WRONLY)
        guard descriptor >= 0 else { return }
        _ = write(descriptor, "5", 1)
        close(descriptor)
    }

    private func residentKiB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return -1 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
    }

    @Test func hundredThousandFilesWithBoundedMemory() throws {
        let tree = try TemporaryTree()
        for directory in 0..<Self.directories {
            let path = tree.path("d\(directory)")
            mkdir(path, 0o755)
            for file in 0..<Self.filesPerDirectory {
                let descriptor = open(path + "/f\(file)", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                try #require(descriptor >= 0)
                let content = "file \(directory)/\(file)\n"
                _ = content.withCString { write(descriptor, $0, strlen($0)) }
                close(descriptor)
            }
        }
        let store = FIMStateStore(directory: tree.stateDirectory)
        let configuration = FIMConfiguration(paths: [tree.root])
        resetPeak()
        let before = residentKiB()
        let first = try FileIntegrityScan.run(configuration, store: store)
        let expectedEntries = 1 + Self.directories * (1 + Self.filesPerDirectory)
        #expect(first.changes.count == expectedEntries)
        #expect(first.statistics.regularFiles == Self.directories * Self.filesPerDirectory)

        let again = try FileIntegrityScan.run(configuration, store: store)
        #expect(again.changes.isEmpty)
        let growthKiB = peakResidentKiB() - before
        // Snapshot, stored state, inventory and a rescan of 100,001 paths: measured about
        // 150 MiB; 400 MiB leaves room for allocator slack but not for per-byte growth.
        #expect(growthKiB < 400 * 1024, "peak grew by \(growthKiB) KiB")
        print("100,000 files: peak resident growth \(growthKiB / 1024) MiB")
    }
}
