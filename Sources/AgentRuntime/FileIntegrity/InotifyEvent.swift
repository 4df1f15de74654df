import Glibc

/// One inotify event as read(2) returns it on an inotify descriptor (inotify(7)):
/// `struct inotify_event { int wd; uint32_t mask; uint32_t cookie; uint32_t len; char name[]; }`
/// in host byte order, `name` NUL-padded to `len` bytes.
struct InotifyEvent: Hashable, Sendable {
    /// The watch descriptor; -1 for IN_Q_OVERFLOW.
    var watch: Int32
    var mask: UInt32
    /// Pairs IN_MOVED_FROM with its IN_MOVED_TO.
    var cookie: UInt32
    /// The entry's name inside the watched directory; empty for events on the directory itself.
    var name: String

    func has<Flag: BinaryInteger>(_ flag: Flag) -> Bool { mask & UInt32(truncatingIfNeeded: flag) != 0 }
    var isDirectory: Bool { has(IN_ISDIR) }

    /// Splits one read(2) result into events. A truncated trailing event (which the kernel
    /// never produces: it returns EINVAL rather than split one) ends decoding.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> [InotifyEvent] {
        let headerSize = MemoryLayout<inotify_event>.size
        var events: [InotifyEvent] = []
        var offset = 0
        while offset + headerSize <= bytes.count {
            let watch = bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self)
            let mask = bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
            let cookie = bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)
            let length = Int(bytes.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
            let nameStart = offset + headerSize
            guard nameStart + length <= bytes.count else { break }
            let name = UnsafeRawBufferPointer(rebasing: bytes[nameStart..<(nameStart + length)]).prefix { $0 != 0 }
            events.append(InotifyEvent(watch: watch, mask: mask, cookie: cookie, name: String(decoding: name, as: UTF8.self)))
            offset = nameStart + length
        }
        return events
    }
}
