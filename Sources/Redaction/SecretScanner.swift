/// Finds secrets inside one piece of text by stepping over its UTF-8 bytes once.
///
/// The text is cut into *words* (runs of `[A-Za-z0-9_]`); each word is looked at with the byte
/// after it, which is all the in-text rules need: `WORD=` (assignment), `WORD://` (URL),
/// `WORD` `:`/`=` (keyed value), a 20-byte word (AWS key id), `Bearer` then a token. A value
/// that is redacted is stepped over, so the scan is linear in the length of the text even for
/// hostile input. No Foundation regex: this runs on every argument of every event.
struct SecretScanner: Sendable {
    /// Upper-case suffixes for ``RedactionRule/assignment(nameSuffixes:)``.
    var assignmentSuffixes: [[UInt8]] = []
    /// Upper-case names for ``RedactionRule/keyedValue(names:)``.
    var keyedNames: [[UInt8]] = []
    var urlCredentials = false
    var awsAccessKeyIDs = false
    var bearerTokens = false

    /// Whether any rule looks inside text; when false ``scan(_:into:)`` finds nothing.
    var isEmpty: Bool {
        assignmentSuffixes.isEmpty && keyedNames.isEmpty && !urlCredentials && !awsAccessKeyIDs && !bearerTokens
    }

    /// Appends the byte ranges of the secrets in `b` to `spans`, in order and without overlap.
    /// - Returns: whether `b` has a space outside the secrets (then it may be a shell command).
    @discardableResult
    func scan(_ b: UnsafeBufferPointer<UInt8>, into spans: inout [Range<Int>]) -> Bool {
        let n = b.count
        var i = 0
        var hasSpace = false
        while i < n {
            guard Self.isWord(b[i]) else {
                if b[i] == UInt8(ascii: " ") { hasSpace = true }
                i += 1
                continue
            }
            let s = i
            while i < n, Self.isWord(b[i]) { i += 1 }
            let e = i
            if e < n, b[e] == UInt8(ascii: "="), hasAssignmentSuffix(b, s, e) {
                // An argument that starts with `NAME=` (`env X_TOKEN=a;b`) has no shell around
                // it: its value ends at white space only, `;` or a quote is part of the secret.
                // White space still ends it, for `sh -c "PGPASSWORD=x psql"`.
                if let (range, next) = Self.value(b, from: e + 1, argumentStart: s == 0) {
                    spans.append(range)
                    i = next
                }
                continue
            }
            if urlCredentials, e + 2 < n, b[e] == UInt8(ascii: ":"), b[e + 1] == UInt8(ascii: "/"),
                b[e + 2] == UInt8(ascii: "/")
            {
                if let range = Self.urlPassword(b, authorityStart: e + 3) {
                    spans.append(range)
                    i = range.upperBound
                } else {
                    i = e + 3
                }
                continue
            }
            if !keyedNames.isEmpty, isKeyedName(b, s, e), let (range, next) = keyedValue(b, nameStart: s, nameEnd: e) {
                spans.append(range)
                i = next
                continue
            }
            if awsAccessKeyIDs, e - s == 20, Self.isAccessKeyID(b, s) {
                spans.append(s..<e)
                continue
            }
            if bearerTokens, e - s == 6, Self.equalsIgnoringCase(b, s, e, Self.bearer), let range = Self.token(b, after: e) {
                spans.append(range)
                i = range.upperBound
            }
        }
        return hasSpace
    }

    // MARK: Rules

    private func hasAssignmentSuffix(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        for suffix in assignmentSuffixes where suffix.count <= e - s {
            if Self.equalsIgnoringCase(b, e - suffix.count, e, suffix) { return true }
        }
        return false
    }

    private func isKeyedName(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        for name in keyedNames where name.count == e - s {
            if Self.equalsIgnoringCase(b, s, e, name) { return true }
        }
        return false
    }

    /// `name = value`, `name: value` only when the name is quoted (`"password": "x"`), else
    /// `name:value`: an unquoted `password: ` is too often prose or a grep pattern.
    private func keyedValue(_ b: UnsafeBufferPointer<UInt8>, nameStart s: Int, nameEnd e: Int) -> (Range<Int>, Int)? {
        let n = b.count
        var j = e
        var quoted = false
        if j < n, s > 0, Self.isQuote(b[j]), b[s - 1] == b[j] {
            quoted = true
            j += 1
        }
        while j < n, b[j] == UInt8(ascii: " ") || b[j] == UInt8(ascii: "\t") { j += 1 }
        guard j < n else { return nil }
        let separator = b[j]
        guard separator == UInt8(ascii: "=") || separator == UInt8(ascii: ":") else { return nil }
        if separator == UInt8(ascii: ":"), !quoted, j != e { return nil }
        j += 1
        if separator == UInt8(ascii: "=") || quoted {
            while j < n, b[j] == UInt8(ascii: " ") || b[j] == UInt8(ascii: "\t") { j += 1 }
        }
        return Self.value(b, from: j, argumentStart: false)
    }

    /// The value that starts at `start`: up to the matching quote when quoted, else up to white
    /// space or a shell delimiter (only white space with `argumentStart`). Nil when empty or
    /// already a marker. Returns the range and where scanning resumes.
    static func value(_ b: UnsafeBufferPointer<UInt8>, from start: Int, argumentStart: Bool) -> (Range<Int>, Int)? {
        let n = b.count
        guard start < n else { return nil }
        if isQuote(b[start]), !argumentStart {
            var j = start + 1
            while j < n, b[j] != b[start] { j += 1 }
            guard j > start + 1, !isMarker(b, start + 1) else { return nil }
            return (start + 1..<j, min(j + 1, n))
        }
        var j = start
        if argumentStart {
            while j < n, !isSpace(b[j]) { j += 1 }
        } else {
            while j < n, !isValueEnd(b[j]) { j += 1 }
        }
        guard j > start, !isMarker(b, start) else { return nil }
        return (start..<j, j)
    }

    /// The password of `user:password@host`, where the authority ends at `/`, `?`, `#`, white
    /// space or a quote; the last `@` counts, as passwords are often not percent-encoded.
    static func urlPassword(_ b: UnsafeBufferPointer<UInt8>, authorityStart a: Int) -> Range<Int>? {
        let n = b.count
        var end = a
        var at = -1
        while end < n {
            let c = b[end]
            if c == UInt8(ascii: "/") || c == UInt8(ascii: "?") || c == UInt8(ascii: "#") || isSpace(c) || isQuote(c) {
                break
            }
            if c == UInt8(ascii: "@") { at = end }
            end += 1
        }
        guard at > a else { return nil }
        var colon = a
        while colon < at, b[colon] != UInt8(ascii: ":") {
            // A marker's own `:` is not a user:password separator.
            colon += isMarker(b, colon) ? markerLength : 1
        }
        guard colon < at else { return nil }
        guard colon + 1 < at, !isMarker(b, colon + 1) else { return nil }
        return colon + 1..<at
    }

    /// `AKIA` or `ASIA` followed by 16 of `[0-9A-Z]` (AWS IAM identifiers, "unique ID prefixes").
    static func isAccessKeyID(_ b: UnsafeBufferPointer<UInt8>, _ s: Int) -> Bool {
        guard b[s] == UInt8(ascii: "A"),
            b[s + 1] == UInt8(ascii: "K") || b[s + 1] == UInt8(ascii: "S"),
            b[s + 2] == UInt8(ascii: "I"), b[s + 3] == UInt8(ascii: "A")
        else { return false }
        for k in s + 4..<s + 20 {
            let c = b[k]
            guard (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            else { return false }
        }
        return true
    }

    /// The token after `Bearer`: one or more spaces, then at least 8 `b64token` characters.
    static func token(_ b: UnsafeBufferPointer<UInt8>, after e: Int) -> Range<Int>? {
        let n = b.count
        var j = e
        while j < n, b[j] == UInt8(ascii: " ") || b[j] == UInt8(ascii: "\t") { j += 1 }
        guard j > e else { return nil }
        let start = j
        while j < n, isTokenByte(b[j]) { j += 1 }
        guard j - start >= 8, !isMarker(b, start) else { return nil }
        return start..<j
    }

    // MARK: Bytes

    static let bearer = Array("BEARER".utf8)
    static let markerPrefix = Array("[REDACTED:".utf8)

    @inline(__always) static func isWord(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_")
    }

    @inline(__always) static func isQuote(_ c: UInt8) -> Bool { c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") }

    @inline(__always) static func isSpace(_ c: UInt8) -> Bool {
        c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r")
    }

    /// Where an unquoted value embedded in a longer text stops: white space, quotes, and the
    /// shell's `;`, `&`, `|`, `` ` ``, `(`, `)`, `<`, `>` (`&` also ends a URL query parameter).
    @inline(__always) static func isValueEnd(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\""),
            UInt8(ascii: "'"), UInt8(ascii: ";"), UInt8(ascii: "&"), UInt8(ascii: "|"), UInt8(ascii: "`"),
            UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: ","),
            UInt8(ascii: "}"):
            true
        default: false
        }
    }

    @inline(__always) static func isTokenByte(_ c: UInt8) -> Bool {
        isWord(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") || c == UInt8(ascii: "~")
            || c == UInt8(ascii: "+") || c == UInt8(ascii: "/") || c == UInt8(ascii: "=")
    }

    /// Whether `b[s..<e]` equals `upper` (upper-case ASCII) without regard to ASCII case.
    static func equalsIgnoringCase(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, _ upper: [UInt8]) -> Bool {
        guard e - s == upper.count else { return false }
        for k in 0..<upper.count {
            var c = b[s + k]
            if c >= UInt8(ascii: "a"), c <= UInt8(ascii: "z") { c -= 32 }
            if c != upper[k] { return false }
        }
        return true
    }

    /// Length of a marker: `[REDACTED:` + 8 hex digits + `]`.
    static let markerLength = markerPrefix.count + 9

    /// Whether a whole marker (`[REDACTED:` + 8 lower-case hex digits + `]`) starts at `s`, so
    /// that redacting twice changes nothing. A bare `[REDACTED:` prefix does not count: text
    /// cannot shield a secret by starting with it.
    static func isMarker(_ b: UnsafeBufferPointer<UInt8>, _ s: Int) -> Bool {
        guard s >= 0, b.count - s >= markerLength else { return false }
        for k in 0..<markerPrefix.count where b[s + k] != markerPrefix[k] { return false }
        for k in markerPrefix.count..<markerPrefix.count + 8 {
            let c = b[s + k]
            guard (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "f"))
            else { return false }
        }
        return b[s + markerLength - 1] == UInt8(ascii: "]")
    }

    static func uppercased(_ text: String) -> [UInt8] {
        text.utf8.map { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") ? $0 - 32 : $0 }
    }
}
