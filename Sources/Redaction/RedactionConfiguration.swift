/// The YAML-friendly shape of the redaction rules, as the agent configuration holds them.
///
/// ```yaml
/// redaction:
///   include_defaults: true          # add the lists below to RedactionRule.defaults
///   options_with_value:
///     - names: [--vault-token]      # any program
///     - names: [-k]
///       executables: [mytool]
///   glued_options:
///     - names: [-p]
///       executables: [mycli]
///   assignment_suffixes: [_CREDENTIAL]
///   keyed_names: [db_pass]
///   url_credentials: true
///   aws_access_key_ids: true
///   bearer_tokens: true
/// ```
/// Keys are snake_case, like the rest of the agent configuration. Missing lists are empty and
/// missing switches are on, so a short file only adds to the defaults.
public struct RedactionConfiguration: Sendable, Hashable, Codable {
    /// Option names for a set of programs (every program when `executables` is empty).
    public struct ScopedOptions: Sendable, Hashable, Codable {
        public var names: [String]
        public var executables: [String]

        public init(names: [String], executables: [String] = []) {
            self.names = names
            self.executables = executables
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            names = try c.decode([String].self, forKey: .names)
            executables = try c.decodeIfPresent([String].self, forKey: .executables) ?? []
        }
    }

    public var includeDefaults: Bool
    public var optionsWithValue: [ScopedOptions]
    public var gluedOptions: [ScopedOptions]
    public var assignmentSuffixes: [String]
    public var keyedNames: [String]
    public var urlCredentials: Bool
    public var awsAccessKeyIDs: Bool
    public var bearerTokens: Bool

    public init(
        includeDefaults: Bool = true, optionsWithValue: [ScopedOptions] = [], gluedOptions: [ScopedOptions] = [],
        assignmentSuffixes: [String] = [], keyedNames: [String] = [], urlCredentials: Bool = true,
        awsAccessKeyIDs: Bool = true, bearerTokens: Bool = true
    ) {
        self.includeDefaults = includeDefaults
        self.optionsWithValue = optionsWithValue
        self.gluedOptions = gluedOptions
        self.assignmentSuffixes = assignmentSuffixes
        self.keyedNames = keyedNames
        self.urlCredentials = urlCredentials
        self.awsAccessKeyIDs = awsAccessKeyIDs
        self.bearerTokens = bearerTokens
    }

    enum CodingKeys: String, CodingKey {
        case includeDefaults = "include_defaults"
        case optionsWithValue = "options_with_value"
        case gluedOptions = "glued_options"
        case assignmentSuffixes = "assignment_suffixes"
        case keyedNames = "keyed_names"
        case urlCredentials = "url_credentials"
        case awsAccessKeyIDs = "aws_access_key_ids"
        case bearerTokens = "bearer_tokens"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            includeDefaults: try c.decodeIfPresent(Bool.self, forKey: .includeDefaults) ?? true,
            optionsWithValue: try c.decodeIfPresent([ScopedOptions].self, forKey: .optionsWithValue) ?? [],
            gluedOptions: try c.decodeIfPresent([ScopedOptions].self, forKey: .gluedOptions) ?? [],
            assignmentSuffixes: try c.decodeIfPresent([String].self, forKey: .assignmentSuffixes) ?? [],
            keyedNames: try c.decodeIfPresent([String].self, forKey: .keyedNames) ?? [],
            urlCredentials: try c.decodeIfPresent(Bool.self, forKey: .urlCredentials) ?? true,
            awsAccessKeyIDs: try c.decodeIfPresent(Bool.self, forKey: .awsAccessKeyIDs) ?? true,
            bearerTokens: try c.decodeIfPresent(Bool.self, forKey: .bearerTokens) ?? true
        )
    }

    /// The rules this configuration stands for. The three switches turn off the matchers of the
    /// defaults too: `url_credentials: false` means no URL password is redacted at all.
    public var rules: [RedactionRule] {
        var rules: [RedactionRule] = []
        if includeDefaults {
            rules = RedactionRule.defaults.filter { rule in
                switch rule {
                case .urlCredentials: urlCredentials
                case .awsAccessKeyID: awsAccessKeyIDs
                case .bearerToken: bearerTokens
                default: true
                }
            }
        } else {
            if urlCredentials { rules.append(.urlCredentials) }
            if awsAccessKeyIDs { rules.append(.awsAccessKeyID) }
            if bearerTokens { rules.append(.bearerToken) }
        }
        for o in optionsWithValue { rules.append(.optionWithValue(names: o.names, executables: o.executables)) }
        for o in gluedOptions {
            for name in o.names { rules.append(.gluedOption(name: name, executables: o.executables)) }
        }
        if !assignmentSuffixes.isEmpty { rules.append(.assignment(nameSuffixes: assignmentSuffixes)) }
        if !keyedNames.isEmpty { rules.append(.keyedValue(names: keyedNames)) }
        return rules
    }
}
