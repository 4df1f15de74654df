/// A map with bounded memory and approximately least-recently-used eviction.
///
/// Two generations: writes and hits go to the young one; when it holds `capacity / 2` entries
/// the old generation is dropped and the young one becomes old. So at most `capacity` entries
/// are held, every operation is O(1), and an entry used within the last `capacity / 2`
/// insertions is never lost.
public struct BoundedMap<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    public let capacity: Int
    private var young: [Key: Value] = [:]
    private var old: [Key: Value] = [:]

    public init(capacity: Int) {
        precondition(capacity >= 2, "BoundedMap capacity \(capacity) < 2")
        self.capacity = capacity
    }

    public var count: Int { young.count + old.count }

    public subscript(key: Key) -> Value? {
        mutating get {
            if let v = young[key] { return v }
            guard let v = old.removeValue(forKey: key) else { return nil }
            insert(key, v)
            return v
        }
        set {
            if let newValue {
                old[key] = nil
                insert(key, newValue)
            } else {
                young[key] = nil
                old[key] = nil
            }
        }
    }

    /// Every entry, least recently used first (old generation, then young): inserting them in
    /// this order into an empty map of the same capacity rebuilds the same recency.
    public var entries: [(key: Key, value: Value)] {
        old.map { ($0.key, $0.value) } + young.map { ($0.key, $0.value) }
    }

    /// The value without refreshing it.
    public func peek(_ key: Key) -> Value? { young[key] ?? old[key] }

    private mutating func insert(_ key: Key, _ value: Value) {
        if young[key] == nil, young.count >= capacity / 2 {
            old = young
            young = [:]
            young.reserveCapacity(capacity / 2)
        }
        young[key] = value
    }
}
