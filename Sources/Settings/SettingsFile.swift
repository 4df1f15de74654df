import Foundation
import Yams

/// Reads a YAML configuration file strictly: every key must be known and every value must fit
/// its key's kind, so a typo is an error that names the key and the file rather than a
/// setting silently ignored.
public enum SettingsFile {
    /// - Returns: the file's values by dotted key name, as text.
    /// - Throws: `SettingsError` naming the file, and the key where there is one.
    public static func load(path: String, keys: [SettingKey]) throws(SettingsError) -> [String: String] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw SettingsError(.unreadableFile, source: path, reason: "cannot read the file (\(error.localizedDescription))")
        }
        return try parse(text, source: path, keys: keys)
    }

    /// Parses YAML text; `source` names it in errors.
    public static func parse(_ text: String, source: String, keys: [SettingKey]) throws(SettingsError) -> [String: String] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw SettingsError(.malformedFile, source: source, reason: "not valid YAML (\(error))")
        }
        guard let root else { return [:] }  // an empty or comment-only file sets nothing
        guard case .mapping = root else {
            throw SettingsError(.malformedFile, source: source, reason: "expected a mapping of keys at the top level")
        }
        var values: [String: String] = [:]
        try flatten(root, prefix: "", source: source, keys: Dictionary(uniqueKeysWithValues: keys.map { ($0.name, $0) }), into: &values)
        return values
    }

    private static func flatten(
        _ node: Node, prefix: String, source: String, keys: [String: SettingKey], into values: inout [String: String]
    ) throws(SettingsError) {
        guard case .mapping(let mapping) = node else { return }
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let keyScalar) = keyNode else {
                throw SettingsError(.malformedFile, source: source, key: prefix.isEmpty ? nil : prefix, reason: "keys must be plain words")
            }
            let name = prefix.isEmpty ? keyScalar.string : "\(prefix).\(keyScalar.string)"
            if case .mapping = valueNode {
                guard keys.keys.contains(where: { $0.hasPrefix(name + ".") }) else {
                    throw unknown(name, source: source, keys: keys)
                }
                try flatten(valueNode, prefix: name, source: source, keys: keys, into: &values)
                continue
            }
            guard let key = keys[name] else { throw unknown(name, source: source, keys: keys) }
            guard case .scalar(let scalar) = valueNode else {
                throw SettingsError(.invalidValue, source: source, key: name, reason: "expected a single value, not a list")
            }
            // A YAML null (`key:` or `key: ~`) means "use the default".
            if scalar.tag == .implicit && ["", "~", "null"].contains(scalar.string) && scalar.style == .plain { continue }
            if let problem = key.problem(with: scalar.string) {
                throw SettingsError(.invalidValue, source: source, key: name, reason: "\(problem), got \(String(reflecting: scalar.string))")
            }
            values[name] = scalar.string
        }
    }

    private static func unknown(_ name: String, source: String, keys: [String: SettingKey]) -> SettingsError {
        var reason = "unknown key"
        if let suggestion = keys.keys.min(by: { editDistance($0, name) < editDistance($1, name) }),
            editDistance(suggestion, name) <= 3
        {
            reason += " (did you mean \(suggestion)?)"
        }
        return SettingsError(.unknownKey, source: source, key: name, reason: reason)
    }

    /// Levenshtein distance, for "did you mean" hints on short key names.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, y) in b.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
