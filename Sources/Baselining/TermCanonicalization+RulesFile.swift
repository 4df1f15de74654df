extension TermCanonicalization {
    /// Reads path rules from text, one per line: `REGEX => REPLACEMENT`. Blank lines and lines
    /// starting with `#` are skipped; the first ` => ` on a line separates the two sides.
    ///
    /// ```
    /// # JDKs side by side
    /// ^/usr/lib/jvm/[^/]+/ => /usr/lib/jvm/*/
    /// ```
    /// - Throws: ``CanonicalizationError`` naming the first line without ` => `.
    public static func parseRules(_ text: String) throws(CanonicalizationError) -> [PathRule] {
        var rules: [PathRule] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let arrow = trimmed.firstRange(of: " => ") else {
                throw CanonicalizationError(pattern: String(trimmed.prefix(80)), reason: "line \(index + 1): expected `REGEX => REPLACEMENT`")
            }
            var replacement = trimmed[arrow.upperBound...]
            while replacement.last == " " || replacement.last == "\r" { replacement = replacement.dropLast() }
            rules.append(PathRule(String(trimmed[..<arrow.lowerBound]), String(replacement)))
        }
        return rules
    }

    /// The default rules in the file form ``parseRules(_:)`` reads, for operators to start from.
    public static var defaultRulesText: String {
        defaultPathRules.map { "\($0.pattern) => \($0.replacement)" }.joined(separator: "\n") + "\n"
    }
}
