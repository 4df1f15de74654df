import AuditCore
import FleetModel
import Testing

@Suite struct ProcessLineageCacheFileTests {
    let boot = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"

    func seen(_ lineage: inout ProcessLineage, pid: Int32, exe: String) {
        var event = AuditEvent(timestampMilliseconds: 0, serial: 0, kind: .exec, process: AuditProcess(pid: pid, exe: exe))
        lineage.eventSeen(&event)
    }

    @Test func roundTripKeepsEveryEntryAndOddPaths() throws {
        var lineage = ProcessLineage(capacity: 64)
        seen(&lineage, pid: 10, exe: "/usr/sbin/nginx")
        seen(&lineage, pid: 11, exe: "/tmp/a b\nc %25 é")  // spaces, a newline, an escaped byte: framing holds
        let file = lineage.cacheFile(bootID: boot)
        var back = try ProcessLineage(cacheFile: file, bootID: boot, capacity: 64)
        #expect(back.executable(of: 10) == "/usr/sbin/nginx")
        #expect(back.executable(of: 11) == "/tmp/a b\nc %25 é")
        #expect(back.executable(of: 12) == nil)
        // The same entries again (within one generation their order is a dictionary's).
        let again = back.cacheFile(bootID: boot)
        #expect(again.count == file.count)
        #expect(Set(again.split(separator: 10).map(Array.init)) == Set(file.split(separator: 10).map(Array.init)))
        // A child of pid 10 seen after the reload gets its parent.
        var child = AuditEvent(timestampMilliseconds: 0, serial: 1, kind: .exec, process: AuditProcess(pid: 20, ppid: 10, exe: "/bin/sh"))
        back.eventSeen(&child)
        #expect(child.process.parentExe == "/usr/sbin/nginx")
    }

    @Test func recencySurvivesTheRoundTrip() throws {
        var lineage = ProcessLineage(capacity: 4)
        for pid in Int32(1)...3 { seen(&lineage, pid: pid, exe: "/bin/p\(pid)") }
        var back = try ProcessLineage(cacheFile: lineage.cacheFile(bootID: boot), bootID: boot, capacity: 4)
        for pid in Int32(4)...5 { seen(&back, pid: pid, exe: "/bin/p\(pid)") }
        // As in the original: the oldest generation (1, 2) ages out, 3 stays.
        #expect(back.executable(of: 1) == nil && back.executable(of: 3) == "/bin/p3")
    }

    @Test func anotherBootOrADamagedFileIsRefused() {
        var lineage = ProcessLineage(capacity: 16)
        seen(&lineage, pid: 10, exe: "/usr/sbin/nginx")
        let file = lineage.cacheFile(bootID: boot)
        #expect(throws: LineageCacheError(.otherBoot, offset: 0)) { try ProcessLineage(cacheFile: file, bootID: "other", capacity: 16) }
        func refused(_ bytes: [UInt8], capacity: Int = 16) -> Bool {
            do {
                _ = try ProcessLineage(cacheFile: bytes, bootID: boot, capacity: capacity)
                return false
            } catch { return error.code == .malformed }
        }
        for cut in 0..<file.count { #expect(refused(Array(file[..<cut])), "truncated at \(cut)") }
        #expect(refused(file + [0x0A]))
        #expect(refused(file, capacity: 2) == false)
        #expect(refused(Array("herdwatch-lineage 1 \(boot) 3\n1 1 a\n".utf8), capacity: 2))  // more entries than the bound
        #expect(refused(Array("herdwatch-lineage 1 \(boot) 1\n0 1 a\n".utf8)))  // pid 0
        #expect(refused(Array("herdwatch-lineage 1 \(boot) 1\n5 99999 a\n".utf8)))  // length beyond the file
        #expect(refused(Array("herdwatch-lineage 1 \(boot) 1\n5 2 \u{0}a\n".utf8)))  // NUL
        #expect(refused([0x68, 0xFF, 0x20]))
    }
}
