@testable import AgentRuntime
import Glibc
import Testing

@Suite struct InotifyEventTests {
    /// Builds read(2) bytes as the kernel lays them out: the 16-byte header in host order, the
    /// name NUL-padded to `len` (inotify(7)).
    private func bytes(watch: Int32, mask: UInt32, cookie: UInt32, name: String, paddedTo length: Int) -> [UInt8] {
        var out: [UInt8] = []
        withUnsafeBytes(of: watch) { out += $0 }
        withUnsafeBytes(of: mask) { out += $0 }
        withUnsafeBytes(of: cookie) { out += $0 }
        withUnsafeBytes(of: UInt32(length)) { out += $0 }
        out += Array(name.utf8) + Array(repeating: 0, count: length - name.utf8.count)
        return out
    }

    @Test func decodesPaddedNamesAndNamelessEvents() {
        let movedFrom = UInt32(IN_MOVED_FROM) | UInt32(IN_ISDIR)
        let buffer = bytes(watch: 3, mask: movedFrom, cookie: 77, name: "sub", paddedTo: 16)
            + bytes(watch: 3, mask: UInt32(IN_DELETE_SELF), cookie: 0, name: "", paddedTo: 0)
            + bytes(watch: -1, mask: UInt32(IN_Q_OVERFLOW), cookie: 0, name: "", paddedTo: 0)
        let events = buffer.withUnsafeBytes { InotifyEvent.decode($0) }
        #expect(events == [
            InotifyEvent(watch: 3, mask: movedFrom, cookie: 77, name: "sub"),
            InotifyEvent(watch: 3, mask: UInt32(IN_DELETE_SELF), cookie: 0, name: ""),
            InotifyEvent(watch: -1, mask: UInt32(IN_Q_OVERFLOW), cookie: 0, name: ""),
        ])
        #expect(events[0].isDirectory && events[0].has(IN_MOVED_FROM))
    }

    @Test func aTruncatedEventEndsDecoding() {
        let buffer = bytes(watch: 1, mask: UInt32(IN_CREATE), cookie: 0, name: "file", paddedTo: 16)
        let events = buffer.dropLast(4).withUnsafeBytes { InotifyEvent.decode($0) }
        #expect(events.isEmpty)
    }
}

@Suite struct InotifyEventActionTests {
    private func event(_ mask: Int32, name: String = "", watch: Int32 = 1) -> InotifyEvent {
        InotifyEvent(watch: watch, mask: UInt32(bitPattern: mask), cookie: 0, name: name)
    }

    @Test func overflowMeansAFullRescanEvenWithoutAWatch() {
        #expect(event(Int32(IN_Q_OVERFLOW), watch: -1).action(directory: nil) == .fullRescan)
    }

    @Test func eventsOfUnknownWatchesAreIgnored() {
        #expect(event(Int32(IN_CREATE), name: "x").action(directory: nil) == .none)
    }

    @Test func filesAreRescannedAsEntries() {
        for mask in [IN_CLOSE_WRITE, IN_DELETE, IN_MOVED_FROM, IN_MOVED_TO] {
            #expect(event(Int32(mask), name: "f").action(directory: "/r") == .rescan(.entry("/r/f")))
        }
        #expect(event(Int32(IN_ATTRIB), name: "f").action(directory: "/r") == .rescanUnlessBeingWritten("/r/f"))
    }

    @Test func filesBeingWrittenWaitForTheirClose() {
        #expect(event(Int32(IN_CREATE), name: "f").action(directory: "/r") == .rescanAfterWrite("/r/f"))
        #expect(event(Int32(IN_MODIFY), name: "f").action(directory: "/r") == .rescanAfterWrite("/r/f"))
        #expect(event(Int32(IN_MODIFY) | Int32(IN_CLOSE_WRITE), name: "f").action(directory: "/r") == .rescan(.entry("/r/f")))
        #expect(event(Int32(IN_MODIFY) | Int32(IN_ATTRIB), name: "f").action(directory: "/r") == .rescanAfterWrite("/r/f"))
    }

    @Test func aRootThatIsAFileAlsoWaitsForItsClose() {
        #expect(event(Int32(IN_MODIFY)).action(directory: "/etc/passwd") == .rescanAfterWrite("/etc/passwd"))
        #expect(event(Int32(IN_CLOSE_WRITE)).action(directory: "/etc/passwd") == .rescan(.entry("/etc/passwd")))
    }

    @Test func directoriesComingInAreWalkedAndGoingAwayAreUnwatched() {
        let isDirectory = Int32(IN_ISDIR)
        #expect(event(Int32(IN_CREATE) | isDirectory, name: "d").action(directory: "/r") == .rescan(.subtree("/r/d")))
        #expect(event(Int32(IN_MOVED_TO) | isDirectory, name: "d").action(directory: "/r") == .rescan(.subtree("/r/d")))
        #expect(event(Int32(IN_MOVED_FROM) | isDirectory, name: "d").action(directory: "/r") == .unwatchAndRescan("/r/d"))
        #expect(event(Int32(IN_DELETE) | isDirectory, name: "d").action(directory: "/r") == .unwatchAndRescan("/r/d"))
        #expect(event(Int32(IN_ATTRIB) | isDirectory, name: "d").action(directory: "/") == .rescan(.entry("/d")))
    }

    @Test func eventsOnTheWatchedDirectoryItself() {
        #expect(event(Int32(IN_ATTRIB)).action(directory: "/r") == .rescanUnlessBeingWritten("/r"))
        #expect(event(Int32(IN_DELETE_SELF)).action(directory: "/r") == .rescan(.subtree("/r")))
        #expect(event(Int32(IN_MOVE_SELF)).action(directory: "/r") == .unwatchAndRescan("/r"))
        #expect(event(Int32(IN_IGNORED)).action(directory: "/r") == .watchRemoved)
    }
}
