/// A small, fast, seedable pseudo-random generator (Steele, Lea and Flood's SplitMix64, as used
/// to seed xoshiro). The simulator never uses the system generator: a seed must reproduce a
/// fleet byte for byte on every machine and every run.
///
/// The helpers below (`below(_:)`, `chance(_:)`…) are written here rather than taken from the
/// standard library's `random(in:using:)` so that their algorithm, and therefore the output for a
/// seed, cannot change with the toolchain.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    /// A generator for one independent stream, e.g. `(seed, host, day)`, so that changing what is
    /// drawn for one host or day does not shift every other host's output.
    init(seed: UInt64, stream parts: UInt64...) {
        var mixer = SplitMix64(seed: seed ^ 0x6A09_E667_F3BC_C909)
        var state = mixer.next()
        for part in parts {
            mixer = SplitMix64(seed: state ^ (part &* 0x9E37_79B9_7F4A_7C15))
            state = mixer.next()
        }
        self.state = state
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<bound` (bound > 0), by multiply-shift (bias below 2⁻³²).
    mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive, got \(bound)")
        return Int(((next() >> 32) &* UInt64(bound)) >> 32)
    }

    /// A uniform integer in `range`.
    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.count)
    }

    /// A uniform `Int64` in `range`, for millisecond offsets.
    mutating func int64(in range: ClosedRange<Int64>) -> Int64 {
        let width = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int64(next() % width)
    }

    /// A uniform double in `[0, 1)`.
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// `true` with the given probability.
    mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    mutating func pick<T>(_ items: [T]) -> T {
        items[below(items.count)]
    }

    /// Exponentially distributed gap with the given mean, for Poisson arrivals.
    mutating func exponential(mean: Double) -> Double {
        -mean * log1pNegative(unit())
    }

    /// log(1 − x) for x in [0, 1), computed here with plain IEEE arithmetic rather than the C
    /// library's `log`, whose last-bit results may differ between libm versions and would then
    /// change the output for a seed from one machine to another.
    private func log1pNegative(_ x: Double) -> Double {
        var y = 1 - x
        if y < 1e-300 { y = 1e-300 }
        return naturalLog(y)
    }

    private func naturalLog(_ value: Double) -> Double {
        // Reduce to m·2^e with m in [1, 2), then an atanh series, accurate to ~1e-15.
        var exponent = 0
        var m = value
        while m >= 2 { m /= 2; exponent += 1 }
        while m < 1 { m *= 2; exponent -= 1 }
        let t = (m - 1) / (m + 1)
        let t2 = t * t
        var term = t
        var sum = 0.0
        var k = 1.0
        for _ in 0..<30 {
            sum += term / k
            term *= t2
            k += 2
        }
        return 2 * sum + Double(exponent) * 0.693_147_180_559_945_3
    }
}
