@testable import AuditCore
import Testing

@Suite struct SerialTableTests {
    /// Random inserts and removals, including clustered serials that collide in the probe runs,
    /// agree with a Dictionary at every step.
    @Test func matchesDictionary() {
        var rng = SystemRandomNumberGenerator()
        var table = SerialTable<Int>(minimumCapacity: 4)
        var reference: [SerialKey: Int] = [:]
        for step in 0..<20_000 {
            let key = SerialKey(serial: UInt32.random(in: 0..<300, using: &rng), node: UInt64.random(in: 0..<2, using: &rng))
            if Bool.random(using: &rng) || step % 7 == 0 {
                table.insert(key, step)
                reference[key] = step
            } else {
                #expect(table.remove(key) == reference.removeValue(forKey: key))
            }
            if step % 500 == 0 {
                #expect(table.count == reference.count)
                for (k, v) in reference { #expect(table[k] == v) }
            }
        }
        #expect(Dictionary(uniqueKeysWithValues: table.entries.map { ($0.key, $0.value) }) == reference)
    }
}
