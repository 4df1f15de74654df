import Glibc

/// An inotify instance: one thin function per system call, each returning its result or the
/// `Errno` (inotify_init1(2), inotify_add_watch(2), inotify_rm_watch(2), poll(2), read(2)).
/// Meaning is given one layer up, in ``FileIntegrityMonitor``.
struct Inotify {
    let descriptor: Int32

    /// The events a directory watch asks for (inotify(7)). IN_DONT_FOLLOW and IN_ONLYDIR: a
    /// directory swapped for a symlink between listing and watching is not followed.
    /// IN_EXCL_UNLINK: no events for files already unlinked but still open elsewhere.
    static let directoryMask: UInt32 =
        UInt32(IN_CREATE) | UInt32(IN_MODIFY) | UInt32(IN_CLOSE_WRITE) | UInt32(IN_ATTRIB) | UInt32(IN_DELETE)
        | UInt32(IN_MOVED_FROM) | UInt32(IN_MOVED_TO) | UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF)
        | UInt32(IN_DONT_FOLLOW) | UInt32(IN_ONLYDIR) | UInt32(IN_EXCL_UNLINK)

    /// The events a watch on a root that is a file asks for: its content, its attributes, and
    /// its replacement (an editor's rename over it ends the watch with IN_DELETE_SELF or IN_MOVE_SELF).
    static let fileMask: UInt32 =
        UInt32(IN_MODIFY) | UInt32(IN_CLOSE_WRITE) | UInt32(IN_ATTRIB) | UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF)
        | UInt32(IN_DONT_FOLLOW)

    /// inotify_init1(IN_CLOEXEC | IN_NONBLOCK): reads never block; poll(2) waits.
    static func open() -> Result<Inotify, Errno> {
        let descriptor = inotify_init1(Int32(IN_CLOEXEC) | Int32(IN_NONBLOCK))
        return descriptor >= 0 ? .success(Inotify(descriptor: descriptor)) : .failure(Errno(errno))
    }

    /// inotify_add_watch(2). Watching an inode already watched returns its existing descriptor.
    /// ENOSPC means `fs.inotify.max_user_watches` is reached.
    func addWatch(_ path: String, mask: UInt32 = directoryMask) -> Result<Int32, Errno> {
        let watch = inotify_add_watch(descriptor, path, mask)
        return watch >= 0 ? .success(watch) : .failure(Errno(errno))
    }

    /// inotify_rm_watch(2); the kernel then queues IN_IGNORED for it.
    func removeWatch(_ watch: Int32) {
        _ = inotify_rm_watch(descriptor, watch)
    }

    /// Waits until events are ready, `wake` becomes readable, or `timeoutMilliseconds` pass (poll(2)).
    /// - Returns: true when events may be ready.
    func wait(wake: Int32, timeoutMilliseconds: Int32) -> Bool {
        var descriptors = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0), pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
        let ready = poll(&descriptors, 2, timeoutMilliseconds)
        return ready > 0 && descriptors[0].revents & Int16(POLLIN) != 0
    }

    /// Reads what events are queued; an empty array when none (EAGAIN).
    func readEvents(into buffer: UnsafeMutableRawBufferPointer) -> Result<[InotifyEvent], Errno> {
        switch FileSystemCalls.read(descriptor, into: buffer) {
        case .success(let count): .success(InotifyEvent.decode(UnsafeRawBufferPointer(rebasing: buffer[..<count])))
        case .failure(let error) where error.rawValue == EAGAIN: .success([])
        case .failure(let error): .failure(error)
        }
    }

    func close() {
        _ = Glibc.close(descriptor)
    }
}

/// A pipe(2) whose read end becomes readable once ``signal()`` is called: how another thread
/// wakes the monitor out of poll(2) to stop it.
final class WakePipe: Sendable {
    let readEnd: Int32
    private let writeEnd: Int32

    /// pipe(2), both ends close-on-exec and non-blocking (fcntl(2)).
    init() throws(Errno) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw Errno(errno) }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, O_NONBLOCK)
        }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        _ = Glibc.close(readEnd)
        _ = Glibc.close(writeEnd)
    }

    func signal() {
        var byte: UInt8 = 1
        _ = Glibc.write(writeEnd, &byte, 1)
    }

    /// True once ``signal()`` was called (poll(2) with no wait).
    var isSignaled: Bool {
        var descriptor = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) > 0
    }
}
