/// One configuration key: its dotted name in YAML, the environment variable that may set it,
/// its type and default, and a one-line description for documentation and `--help`.
public struct SettingKey: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case string
        case integer(ClosedRange<Int>)
        case boolean
        /// One of a fixed set of words.
        case choice([String])
        /// A duration such as `30s`, `15m`, `2h`, `14d`, `1w`.
        case duration
    }

    /// Dotted path in the YAML file, e.g. `database.url` for `database: {url: …}`.
    public let name: String
    public let environmentVariable: String?
    public let kind: Kind
    /// The default in the same text form a user would write.
    public let defaultValue: String
    public let summary: String

    public init(_ name: String, environment: String? = nil, kind: Kind, default defaultValue: String, summary: String) {
        self.name = name
        self.environmentVariable = environment
        self.kind = kind
        self.defaultValue = defaultValue
        self.summary = summary
    }

    /// Checks `text` against the key's kind.
    /// - Returns: nil when valid, else the reason.
    public func problem(with text: String) -> String? {
        switch kind {
        case .string:
            return nil
        case .integer(let range):
            guard let value = Int(text), range.contains(value) else {
                return "expected a whole number from \(range.lowerBound) to \(range.upperBound)"
            }
            return nil
        case .boolean:
            return Self.booleanWords.keys.contains(text.lowercased()) ? nil : "expected true or false"
        case .choice(let words):
            return words.contains(text) ? nil : "expected one of \(words.joined(separator: ", "))"
        case .duration:
            return SettingDuration(text) == nil ? "expected a duration such as 30s, 15m, 2h, 14d or 1w" : nil
        }
    }

    static let booleanWords: [String: Bool] = ["true": true, "false": false, "yes": true, "no": false, "on": true, "off": false]
}

/// A duration written as a number and a unit: `s`, `m`, `h`, `d` or `w`.
public struct SettingDuration: Sendable, Hashable {
    public let seconds: Int64

    public init?(_ text: String) {
        guard let unit = text.last, let count = Int64(text.dropLast()), count >= 0 else { return nil }
        let scale: Int64
        switch unit {
        case "s": scale = 1
        case "m": scale = 60
        case "h": scale = 3600
        case "d": scale = 86_400
        case "w": scale = 604_800
        default: return nil
        }
        let (product, overflow) = count.multipliedReportingOverflow(by: scale)
        guard !overflow else { return nil }
        seconds = product
    }

    public var duration: Duration { .seconds(seconds) }
}
