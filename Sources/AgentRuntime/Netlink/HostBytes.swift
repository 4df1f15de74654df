/// Reading and writing fixed-width integers in host byte order, as netlink headers and the
/// audit structs (`struct nlmsghdr`, `struct audit_status`, `struct audit_rule_data`) are laid out
/// (linux/netlink.h: "all fields in host byte order").
extension Array where Element == UInt8 {
    /// Appends `value` in host byte order.
    mutating func appendHost<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value) { append(contentsOf: $0) }
    }

    /// Overwrites `T.bitWidth / 8` bytes at `offset` with `value` in host byte order.
    /// The range must exist.
    mutating func storeHost<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        Swift.withUnsafeBytes(of: value) { raw in
            for (i, byte) in raw.enumerated() { self[offset + i] = byte }
        }
    }
}

extension Collection where Element == UInt8, Index == Int {
    /// Reads a `T` in host byte order at `offset` (an absolute index), or `nil` when fewer
    /// than `T.bitWidth / 8` bytes remain.
    func loadHost<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T? {
        let size = T.bitWidth / 8
        guard offset >= startIndex, offset + size <= endIndex else { return nil }
        var value = T.zero
        Swift.withUnsafeMutableBytes(of: &value) { raw in
            for i in 0..<size { raw[i] = self[offset + i] }
        }
        return value
    }
}
