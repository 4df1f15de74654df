/// A shell-style glob for include/exclude lists: `*` and `?` within one path component,
/// `**` across components, `[abc]`, `[a-z]` and `[!abc]` classes, `\` to escape.
///
/// A pattern without `/` matches a file's name (`*.log`, `.git`); a pattern with `/` matches the
/// whole absolute path (`/etc/ssl/**`, `/var/lib/*/cache`). Matching works on UTF-8 bytes,
/// like fnmatch(3) in the C locale, so no locale changes what a pattern means.
public struct GlobPattern: Hashable, Sendable, CustomStringConvertible {
    public let description: String
    private let bytes: [UInt8]
    /// True when the pattern names whole paths rather than file names.
    public let matchesWholePath: Bool

    public init(_ pattern: String) {
        description = pattern
        bytes = Array(pattern.utf8)
        matchesWholePath = bytes.contains(UInt8(ascii: "/"))
    }

    /// - Parameters:
    ///   - path: the absolute path.
    ///   - name: its last component.
    public func matches(path: String, name: String) -> Bool {
        let subject = Array((matchesWholePath ? path : name).utf8)
        return Self.match(bytes[...], subject[...])
    }

    private static let star = UInt8(ascii: "*"), question = UInt8(ascii: "?"), slash = UInt8(ascii: "/")
    private static let open = UInt8(ascii: "["), close = UInt8(ascii: "]"), backslash = UInt8(ascii: "\\")

    private static func match(_ pattern: ArraySlice<UInt8>, _ subject: ArraySlice<UInt8>) -> Bool {
        var p = pattern.startIndex, s = subject.startIndex
        while p < pattern.endIndex {
            let c = pattern[p]
            if c == star {
                let doubleStar = p + 1 < pattern.endIndex && pattern[p + 1] == star
                let rest = pattern[(p + (doubleStar ? 2 : 1))...]
                var candidate = s
                while true {
                    if match(rest, subject[candidate...]) { return true }
                    guard candidate < subject.endIndex, doubleStar || subject[candidate] != slash else { return false }
                    candidate += 1
                }
            }
            guard s < subject.endIndex else { return false }
            if c == question {
                guard subject[s] != slash else { return false }
                p += 1
            } else if c == open, let (matched, next) = matchClass(pattern, from: p, byte: subject[s]) {
                guard matched else { return false }
                p = next
            } else {
                var literal = c
                if c == backslash, p + 1 < pattern.endIndex {
                    p += 1
                    literal = pattern[p]
                }
                guard subject[s] == literal else { return false }
                p += 1
            }
            s += 1
        }
        return s == subject.endIndex
    }

    /// Matches `byte` against the class opening at `start`.
    /// - Returns: whether it matched and the index after `]`, or nil when the class is unterminated
    ///   (then `[` is a literal, as in fnmatch(3)).
    private static func matchClass(_ pattern: ArraySlice<UInt8>, from start: Int, byte: UInt8) -> (Bool, Int)? {
        var i = start + 1
        let negated = i < pattern.endIndex && (pattern[i] == UInt8(ascii: "!") || pattern[i] == UInt8(ascii: "^"))
        if negated { i += 1 }
        var matched = false
        var first = true
        while i < pattern.endIndex {
            if pattern[i] == close && !first { return (matched != negated, i + 1) }
            first = false
            let low = pattern[i]
            if i + 2 < pattern.endIndex, pattern[i + 1] == UInt8(ascii: "-"), pattern[i + 2] != close {
                if low <= byte && byte <= pattern[i + 2] { matched = true }
                i += 3
            } else {
                if low == byte { matched = true }
                i += 1
            }
        }
        return nil
    }
}
