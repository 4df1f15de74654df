/// Configuration values resolved with one precedence everywhere: a command-line flag, then the
/// environment variable, then the configuration file, then the key's default.
///
/// ```swift
/// let settings = try ResolvedSettings(
///     keys: ServiceSettings.keys, flags: ["database.url": urlFlag], environment: env, filePath: configPath)
/// let url = settings.string("database.url")
/// ```
public struct ResolvedSettings: Sendable {
    /// Where a value came from, for `config show`-style output and error messages.
    public enum Origin: Sendable, Hashable, CustomStringConvertible {
        case flag, environment(String), file(String), defaultValue
        public var description: String {
            switch self {
            case .flag: return "command line"
            case .environment(let name): return "environment variable \(name)"
            case .file(let path): return path
            case .defaultValue: return "default"
            }
        }
    }

    private let keys: [String: SettingKey]
    private let values: [String: (text: String, origin: Origin)]

    /// - Parameters:
    ///   - flags: values given on the command line, by key name (nil entries are absent).
    ///   - environment: the process environment.
    ///   - filePath: the YAML file to read, if any.
    /// - Throws: `SettingsError` naming the key and where the bad value came from.
    public init(
        keys: [SettingKey], flags: [String: String?] = [:], environment: [String: String] = [:], filePath: String? = nil
    ) throws(SettingsError) {
        let fileValues = try filePath.map { path throws(SettingsError) in try SettingsFile.load(path: path, keys: keys) } ?? [:]
        var values: [String: (text: String, origin: Origin)] = [:]
        for key in keys {
            if let flag = flags[key.name] ?? nil {
                try Self.check(key, flag, source: "--\(key.name.replacingDotsWithDashes)")
                values[key.name] = (flag, .flag)
            } else if let variable = key.environmentVariable, let text = environment[variable], !text.isEmpty {
                try Self.check(key, text, source: "environment variable \(variable)")
                values[key.name] = (text, .environment(variable))
            } else if let text = fileValues[key.name], let filePath {
                values[key.name] = (text, .file(filePath))
            } else {
                values[key.name] = (key.defaultValue, .defaultValue)
            }
        }
        self.keys = Dictionary(uniqueKeysWithValues: keys.map { ($0.name, $0) })
        self.values = values
    }

    private static func check(_ key: SettingKey, _ text: String, source: String) throws(SettingsError) {
        if let problem = key.problem(with: text) {
            throw SettingsError(.invalidValue, source: source, key: key.name, reason: "\(problem), got \(String(reflecting: text))")
        }
    }

    public func string(_ name: String) -> String {
        guard let value = values[name] else { preconditionFailure("undeclared setting \(name)") }
        return value.text
    }

    public func integer(_ name: String) -> Int {
        guard let value = Int(string(name)) else { preconditionFailure("setting \(name) was validated as an integer") }
        return value
    }

    public func boolean(_ name: String) -> Bool {
        guard let value = SettingKey.booleanWords[string(name).lowercased()] else {
            preconditionFailure("setting \(name) was validated as a boolean")
        }
        return value
    }

    public func duration(_ name: String) -> Duration {
        guard let value = SettingDuration(string(name)) else { preconditionFailure("setting \(name) was validated as a duration") }
        return value.duration
    }

    public func origin(_ name: String) -> Origin {
        guard let value = values[name] else { preconditionFailure("undeclared setting \(name)") }
        return value.origin
    }
}

extension String {
    var replacingDotsWithDashes: String { String(map { $0 == "." || $0 == "_" ? "-" : $0 }) }
}
