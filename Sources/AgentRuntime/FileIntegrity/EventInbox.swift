import Glibc
import FleetModel

/// inotify events read while a rate-limited full rescan pauses, kept until the rescan ends.
///
/// A rescan held to a few MB/s can take minutes; left unread for that long, the kernel's
/// queue (`fs.inotify.max_queued_events`, inotify(7)) overflows on a busy host, and an
/// overflow costs another full rescan. Reading during the pauses the rate limit imposes
/// anyway keeps the queue short. Past ``capacity`` events the inbox stops keeping them and
/// reports ``overflowed``, which, like IN_Q_OVERFLOW, means a full rescan.
/// Not Sendable: it belongs to the monitor's thread.
final class EventInbox {
    static let capacity = 65_536
    private(set) var events: [InotifyEvent] = []
    private(set) var overflowed = false

    /// Waits out `duration`, reading whatever events arrive meanwhile; returns early when
    /// `wake` is signalled (the monitor is stopping).
    /// - Returns: how many events were read.
    func readEvents(from inotify: Inotify, into buffer: UnsafeMutableRawBufferPointer, for duration: Duration, wake: WakePipe) -> Int {
        let deadline = ContinuousClock.now.advanced(by: duration)
        var read = 0
        while !wake.isSignaled {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { break }
            let milliseconds = left.inMilliseconds
            guard inotify.wait(wake: wake.readEnd, timeoutMilliseconds: Int32(clamping: max(1, milliseconds))),
                  case .success(let batch) = inotify.readEvents(into: buffer)
            else { continue }
            read += batch.count
            if events.count + batch.count > Self.capacity {
                overflowed = true
            } else {
                events += batch
            }
        }
        return read
    }
}
