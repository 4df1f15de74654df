/// A hash table keyed by event serial (and `node=` hash), for the assembler's per-record path.
///
/// Open addressing with linear probing and backward-shift deletion (no tombstones); the hash is
/// one multiplication (Fibonacci hashing), where `Dictionary` would run SipHash per lookup.
/// Grows when half full. Slots are reached by index so a caller can look up once and then read,
/// update or remove in place.
struct SerialTable<Value> {
    typealias Key = SerialKey

    /// Keys and values in parallel arrays: probing reads keys only, so a lookup neither copies
    /// nor retains a value (a slot of both was copied whole to compare its key).
    private(set) var keys: [Key?]
    /// Internal so an owner can mutate a value in place (`values[i]!…`); nil where keys are.
    var values: [Value?]
    private var mask: Int
    private(set) var count = 0

    init(minimumCapacity: Int = 64) {
        var size = 16
        while size < minimumCapacity * 2 { size <<= 1 }
        keys = Array(repeating: nil, count: size)
        values = Array(repeating: nil, count: size)
        mask = size - 1
    }

    var isEmpty: Bool { count == 0 }

    @inline(__always)
    private func home(_ key: Key) -> Int {
        let h = (UInt64(key.serial) ^ key.node) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: h >> 32) & mask
    }

    /// The slot holding `key`, or nil.
    func index(of key: Key) -> Int? {
        var i = home(key)
        while let k = keys[i] {
            if k == key { return i }
            i = (i + 1) & mask
        }
        return nil
    }

    func contains(_ key: Key) -> Bool { index(of: key) != nil }

    subscript(key: Key) -> Value? { index(of: key).map { values[$0]! } }

    /// Updates the value in slot `i` in place.
    @inline(__always)
    mutating func update(at i: Int, _ body: (inout Value) -> Void) {
        body(&values[i]!)
    }

    /// Inserts or replaces. The value is taken owned, so the optimizer moves it in (borrowed, it
    /// was copied: a retain of everything it holds).
    mutating func insert(_ key: Key, _ value: __owned Value) {
        if let i = index(of: key) {
            values[i] = value
            return
        }
        if (count + 1) * 2 > keys.count { grow() }
        var i = home(key)
        while keys[i] != nil { i = (i + 1) & mask }
        keys[i] = key
        values[i] = value
        count += 1
    }

    /// Removes the entry in slot `i` and returns its value.
    @discardableResult
    mutating func remove(at index: Int) -> Value {
        var removed: Value? = nil
        swap(&removed, &values[index])  // moved out, not copied
        keys[index] = nil
        count -= 1
        // Backward shift: move later entries of the probe run into the hole when that brings
        // them no further from home than they were.
        var hole = index
        var j = index
        while true {
            j = (j + 1) & mask
            guard let key = keys[j] else { break }
            let k = home(key)
            let movable = hole <= j ? (k <= hole || k > j) : (k <= hole && k > j)
            if movable {
                keys[hole] = key
                keys[j] = nil
                values.swapAt(hole, j)  // the hole's value is nil
                hole = j
            }
        }
        return removed!
    }

    @discardableResult
    mutating func remove(_ key: Key) -> Value? {
        guard let i = index(of: key) else { return nil }
        return remove(at: i)
    }

    /// Every entry (in slot order).
    var entries: [(key: Key, value: Value)] {
        keys.indices.compactMap { i in keys[i].map { ($0, values[i]!) } }
    }

    private mutating func grow() {
        let oldKeys = keys
        var oldValues = values
        keys = Array(repeating: nil, count: oldKeys.count * 2)
        values = Array(repeating: nil, count: oldKeys.count * 2)
        mask = keys.count - 1
        count = 0
        for j in oldKeys.indices {
            guard let key = oldKeys[j] else { continue }
            var i = home(key)
            while keys[i] != nil { i = (i + 1) & mask }
            keys[i] = key
            swap(&values[i], &oldValues[j])
            count += 1
        }
    }
}

extension SerialTable: Sendable where Value: Sendable {}

/// An event's identity in a stream: its serial, and a hash of its `node=` name (0 without one).
struct SerialKey: Hashable, Sendable {
    var serial: UInt32
    var node: UInt64
}
