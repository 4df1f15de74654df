import FleetModel
import Testing

@testable import Redaction

/// A small deterministic generator (SplitMix64), so a failure replays.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct RandomInputTests {
    static let pieces = [
        "PASSWORD=", "_TOKEN=", "=", "'", "\"", " ", "  ", "://", "@", ":", "-p", "-a", "--password", "--token=", "AKIA",
        "IOSFODNN7EXAMPLE", "Bearer ", "bearer\t", "aws_secret_access_key", "password", "x", "hunter2", "é", "%FF", "%25",
        "[REDACTED:", "]", "\n", "mysql", "/usr/bin/sshpass", "sh", "-c", ";", "&", "|", "{", "}", ",", "/", "?", "#",
        "\u{0}", "\u{1F600}", "user", "https", "postgres",
    ]

    /// Random command lines: the argument count never changes, nothing crashes, and a second
    /// pass finds nothing more (markers are never redacted again).
    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func randomCommandLinesAreStableAndIdempotent(seed: UInt64) {
        var random = SplitMix64(state: seed)
        for _ in 0..<5_000 {
            let count = Int.random(in: 0...6, using: &random)
            let argv = (0..<count).map { _ in
                (0..<Int.random(in: 0...8, using: &random)).map { _ in Self.pieces.randomElement(using: &random)! }.joined()
            }
            let exe = ["/usr/bin/mysql", "/usr/bin/redis-cli", "/bin/sh", nil].randomElement(using: &random)!
            let proctitle = Bool.random(using: &random) ? argv.joined(separator: " ") : argv.prefix(2).joined(separator: " ")
            var e = event(argv, exe: exe, proctitle: proctitle)
            e.userMessage = AuditUserMessage(op: argv.last, acct: argv.first)
            _ = redactor.redact(&e)
            #expect(e.process.argv.count == argv.count)
            let once = e
            let again = redactor.redact(&e)
            #expect(again == 0, "\(argv)")
            #expect(e == once, "\(argv)")
        }
    }
}
