/// A shell glob that assigns hosts to a role, matched against the lower-case short hostname
/// (the part before the first dot), e.g. `web-*`, `db-0[1-4]`, `worker-??`.
///
/// The pattern is stored beside an equivalent anchored POSIX regular expression so that
/// PostgreSQL can match it (`~`) when it resolves a host's role.
public struct HostPattern: Hashable, Sendable, CustomStringConvertible {
    /// The glob as the operator wrote it, lower-cased.
    public let glob: String
    /// `^…$` regular expression that matches exactly what the glob matches.
    public let regularExpression: String

    /// - Throws: `FleetModelError.invalidHostPattern` for empty patterns, characters that can't
    ///   be in a hostname glob, or an unterminated `[` class.
    public init(_ pattern: String) throws(FleetModelError) {
        let glob = pattern.lowercased()
        guard !glob.isEmpty, glob.utf8.count <= 253 else {
            throw .invalidHostPattern(pattern, reason: "must be 1 to 253 characters")
        }
        var regex = "^"
        var inClass = false
        var classIsEmpty = true
        for character in glob {
            if inClass {
                switch character {
                case "]" where !classIsEmpty:
                    regex.append("]")
                    inClass = false
                case "!" where classIsEmpty, "^" where classIsEmpty:
                    regex.append("^")
                case "-", "_", "a"..."z", "0"..."9":
                    regex.append(character)
                    classIsEmpty = false
                default:
                    throw .invalidHostPattern(pattern, reason: "unexpected \(String(reflecting: String(character))) in a [...] class")
                }
                continue
            }
            switch character {
            case "*": regex.append("[^.]*")
            case "?": regex.append("[^.]")
            case "[":
                regex.append("[")
                inClass = true
                classIsEmpty = true
            case ".": regex.append("\\.")
            case "-", "_", "a"..."z", "0"..."9": regex.append(character)
            default:
                throw .invalidHostPattern(pattern, reason: "use letters, digits, '-', '_', '.', '*', '?' and [...] classes")
            }
        }
        guard !inClass else {
            throw .invalidHostPattern(pattern, reason: "unterminated [...] class")
        }
        self.glob = glob
        self.regularExpression = regex + "$"
    }

    public var description: String { glob }
}
