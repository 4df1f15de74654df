import LibPQ
import Storage
import Testing

@testable import ServerRuntime

@Suite("Alert payloads, rate limit and backoff (pure)")
struct AlertPayloadTests {
    static let alert = PendingAlert(
        outboxID: 7, reason: "escalation", queuedAt: PostgresTimestamp(microsecondsSinceEpoch: 0), findingID: 12,
        kind: "connect", role: "web", subject: "203.0.113.66:1337/tcp", status: "open", severity: 92,
        hosts: ["web-01", "web-02", "web-03", "web-04"], hostCount: 4, roleHosts: 8, eventCount: 9,
        firstSeen: PostgresTimestamp(microsecondsSinceEpoch: 1_795_132_800_000_000),
        lastSeen: PostgresTimestamp(microsecondsSinceEpoch: 1_795_132_801_500_000), baselineVersion: nil,
        evidence: .init(host: "web-01", user: "alice", uid: "0", exe: "/usr/bin/curl", argv: ["curl", "a`b", "x\ny"],
                        destination: "203.0.113.66:1337"))

    @Test func theJSONLineHasEveryFieldOnOneLine() {
        let line = AlertDocument(Self.alert, sentAt: PostgresTimestamp(microsecondsSinceEpoch: 1_795_132_802_000_000)).line()
        #expect(line == #"{"alert_id":7,"finding":{"baseline_version":null,"event_count":9,"first_seen":"2026-11-20T00:00:00.000000Z","host_count":4,"hosts":["web-01","web-02","web-03","web-04"],"id":12,"kind":"connect","last_seen":"2026-11-20T00:00:01.500000Z","prevalence":{"hosts":4,"role_hosts":8},"role":"web","severity":{"label":"critical","score":92},"status":"open","subject":"203.0.113.66:1337/tcp"},"reason":"escalation","sent_at":"2026-11-20T00:00:02.000000Z"}"#)
    }

    @Test func theSlackMessageSummarizesAndEscapes() {
        let message = SlackMessage(Self.alert)
        #expect(message.text == "Escalated connect finding #12 in web, severity critical (92): 203.0.113.66:1337/tcp")
        #expect(message.blocks.count == 2)
        #expect(message.blocks[0].text?.text.contains("on 4 of 8 web hosts: web-01, web-02, web-03 +1") == true)
        #expect(message.blocks[1].elements?.first?.text
            == "alice (uid 0) on web-01: /usr/bin/curl `curl a'b x y` → 203.0.113.66:1337")
        #expect(SlackMessage.escape("<@U123> & <!here>") == "&lt;@U123&gt; &amp; &lt;!here&gt;")
        #expect(SlackMessage.cut(String(repeating: "a", count: 1000)).count == SlackMessage.fieldLimit + 1)
    }

    @Test func theTokenBucketAllowsABurstThenRefills() {
        var bucket = TokenBucket(capacity: 3, periodSeconds: 60)
        #expect((0..<5).map { _ in bucket.take(now: 0) } == [true, true, true, false, false])
        #expect(bucket.take(now: 10) == false)  // half a token back
        #expect(bucket.take(now: 20) == true)
        #expect(bucket.take(now: 1000) == true)
        #expect(bucket.tokens == 2)  // refilled to capacity, not beyond
    }

    @Test func backoffDoublesUpToTheCapWithBoundedJitter() {
        let backoff = RetryBackoff(base: .seconds(1), cap: .seconds(10))
        #expect(backoff.delay(afterAttempt: 1, random: 0) == .milliseconds(500))
        #expect(backoff.delay(afterAttempt: 1, random: 0.999_999) < .seconds(1))
        #expect(backoff.delay(afterAttempt: 3, random: 0) == .seconds(2))
        #expect(backoff.delay(afterAttempt: 10, random: 0) == .seconds(5))
        #expect(backoff.delay(afterAttempt: 10, random: 1) == .seconds(10))
    }
}
