/// Counts serials that never arrived, tolerating out-of-order arrival within a window.
///
/// Keeps a floor (every serial below it is accounted for) and the set of serials seen above
/// it. A serial at least `window` below the newest that has not arrived is counted lost.
/// Serials are `u32` in the kernel (`audit_serial()`, `<linux/audit.h>`) and wrap; distances
/// are taken modulo 2³². A serial more than 2³¹ "ahead" is a jump backwards (restart): the
/// count restarts from it. Memory is bounded by the window plus the out-of-order spread.
struct SerialGapCounter: Sendable {
    var window: UInt32 = 64
    var floor: UInt32?
    var newest: UInt32 = 0
    var seen = SerialTable<Void>(minimumCapacity: 256)

    /// A serial arrived; returns how many serials this proved lost.
    mutating func serialSeen(_ serial: UInt32) -> Int {
        guard let f = floor else {
            floor = serial
            newest = serial
            seen.insert(SerialKey(serial: serial, node: 0), ())
            return 0
        }
        let ahead = serial &- f
        if ahead >= 1 << 31 {
            // Below the floor: a late record of a serial already accounted for, or a restart.
            if f &- serial > 1 << 20 { reset(serial) }
            return 0
        }
        if ahead > 1 << 24 {
            // A jump of more than 16 million: a restart or another boot, not loss to count serial by serial.
            reset(serial)
            return 0
        }
        seen.insert(SerialKey(serial: serial, node: 0), ())
        if serial &- newest < 1 << 31 { newest = serial }
        return advance(keeping: window)
    }

    /// End of stream: everything between the floor and the newest that never came is lost.
    mutating func streamEnded() -> Int {
        guard floor != nil else { return 0 }
        let lost = advance(keeping: 0)
        return lost
    }

    private mutating func reset(_ serial: UInt32) {
        floor = serial
        newest = serial
        seen = SerialTable(minimumCapacity: 256)
        seen.insert(SerialKey(serial: serial, node: 0), ())
    }

    /// Distance from `f` (not seen) to the nearest serial seen above it; every serial in `seen`
    /// is above the floor. A scan of the table only for long runs: a lone gap costs one step.
    private func nearestSeen(from f: UInt32) -> UInt32 {
        if seen.contains(SerialKey(serial: f &+ 1, node: 0)) { return 1 }
        var nearest = UInt32.max
        for case let key? in seen.keys { nearest = min(nearest, key.serial &- f) }
        return nearest
    }

    private mutating func advance(keeping margin: UInt32) -> Int {
        guard var f = floor else { return 0 }
        var lost = 0
        while true {
            if seen.remove(SerialKey(serial: f, node: 0)) != nil {
                f &+= 1
            } else if newest &- f < 1 << 31, newest &- f >= margin, f != newest &+ 1 {
                // A run of missing serials is counted at once, up to the nearest one seen: a
                // hostile stream jumping by millions (up to 2²⁴) per record must not cost a
                // loop turn per missing serial (that took seconds per record).
                let run = min(newest &- f &- margin &+ 1, nearestSeen(from: f))
                lost += Int(run)
                f &+= run
            } else {
                break
            }
        }
        floor = f
        return lost
    }
}
