@testable import AuditCore
import Testing

@Suite struct TextMemoTests {
    /// Runs `memo.text(for:)` on `value`, recording whether `make` ran.
    func text(_ memo: inout TextMemo, _ value: String, _ encoding: AuditField.Encoding = .bare) -> (String?, made: Bool) {
        var made = false
        let result = Array(value.utf8).withUnsafeBytes { v in
            memo.text(for: v, encoding) {
                made = true
                return "made:" + value
            }
        }
        return (result, made)
    }

    @Test func sameBytesShareTheTextAndAnyDifferenceMakesItAgain() {
        var memo = TextMemo()
        #expect(text(&memo, "2F62696E2F7368") == ("made:2F62696E2F7368", true))
        #expect(text(&memo, "2F62696E2F7368") == ("made:2F62696E2F7368", false))
        // Same length, last byte differs; first byte differs; shorter; longer; other encoding.
        #expect(text(&memo, "2F62696E2F7369") == ("made:2F62696E2F7369", true))
        #expect(text(&memo, "3F62696E2F7369") == ("made:3F62696E2F7369", true))
        #expect(text(&memo, "3F62696E2F73") == ("made:3F62696E2F73", true))
        #expect(text(&memo, "3F62696E2F7300") == ("made:3F62696E2F7300", true))
        #expect(text(&memo, "3F62696E2F7300", .doubleQuoted) == ("made:3F62696E2F7300", true))
        #expect(text(&memo, "3F62696E2F7300", .doubleQuoted).made == false)
        #expect(text(&memo, "").made)
        #expect(text(&memo, "").made == false)
    }

    @Test func aNilTextIsRememberedToo() {
        var memo = TextMemo()
        let null = Array("(null)".utf8)
        var calls = 0
        for _ in 0..<3 {
            let r = null.withUnsafeBytes { v in memo.text(for: v, .bare) { calls += 1; return nil } }
            #expect(r == nil)
        }
        #expect(calls == 1)
    }

    @Test func valuesOverTheLimitAreMadeEveryTime() {
        var memo = TextMemo()
        let long = String(repeating: "41", count: TextMemo.maximumLength)
        #expect(text(&memo, long).made)
        #expect(text(&memo, long).made)
        #expect(text(&memo, "41").made)
        #expect(text(&memo, "41").made == false)
    }
}
