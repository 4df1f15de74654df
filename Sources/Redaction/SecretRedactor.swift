import FleetModel

/// Removes secrets from an event before anything leaves the host (issue 5, point 3).
///
/// Command lines carry passwords (`mysql -pSECRET`, `PGPASSWORD=x psql`, `curl -u u:p`), and
/// the agent ships every command line to the fleet database, where analysts read them. Each
/// secret is replaced by a ``RedactionMarker`` (`[REDACTED:1a2b3c4d]`), a keyed hash, so equal
/// secrets still compare equal. Everything else is left byte for byte as it was: the number of
/// arguments, the other arguments, the user name in a URL.
///
/// What is looked at: `process.argv` (options by position, then each argument's text),
/// `process.proctitle` (the same, on its space-separated words), and the free-text fields of a
/// user-space message (`op`, `acct`). Not `cwd`, paths or `exe`, which name files.
///
/// ```swift
/// let redactor = SecretRedactor(rules: RedactionRule.defaults, key: keyBytes)
/// var event = …
/// let count = redactor.redact(&event)   // count goes into a metric, never the secret
/// ```
public struct SecretRedactor: Sendable {
    /// Option names with a value, for every program.
    let options: Set<String>
    /// Option names with a value, by executable basename.
    let scopedOptions: [String: Set<String>]
    /// Glued option prefixes (`-p`), by executable basename.
    let gluedOptions: [String: [String]]
    /// Lookups are skipped for arguments that cannot be option names, so that a long argument
    /// is not hashed as well as scanned.
    let longestOptionName: Int
    /// Every option name and glued prefix, whatever its program: most arguments miss these, and
    /// then the program's basename is never looked up.
    let optionNames: Set<String>
    let gluedPrefixes: [String]
    let optionFirstBytes: Set<UInt8>
    /// Executables that have scoped rules: inside `sh -c "…"`, a word naming one starts its command.
    let programNames: Set<String>
    let longestProgramName: Int
    let scanner: SecretScanner
    let markers: RedactionMarker

    /// - Parameters:
    ///   - rules: what to redact; ``RedactionRule/defaults`` unless configured.
    ///   - key: the HMAC key for markers, 32 random bytes kept in the agent's state directory.
    public init(rules: [RedactionRule] = RedactionRule.defaults, key: some Sequence<UInt8>) {
        var options = Set<String>()
        var scoped: [String: Set<String>] = [:]
        var glued: [String: [String]] = [:]
        var scanner = SecretScanner()
        for rule in rules {
            switch rule {
            case .optionWithValue(let names, let executables):
                if executables.isEmpty {
                    options.formUnion(names)
                } else {
                    for exe in executables { scoped[exe, default: []].formUnion(names) }
                }
            case .gluedOption(let name, let executables):
                guard !name.isEmpty else { continue }
                for exe in executables where !(glued[exe]?.contains(name) ?? false) { glued[exe, default: []].append(name) }
            case .assignment(let suffixes):
                scanner.assignmentSuffixes += suffixes.filter { !$0.isEmpty }.map(SecretScanner.uppercased)
            case .keyedValue(let names):
                scanner.keyedNames += names.filter { !$0.isEmpty }.map(SecretScanner.uppercased)
            case .urlCredentials: scanner.urlCredentials = true
            case .awsAccessKeyID: scanner.awsAccessKeyIDs = true
            case .bearerToken: scanner.bearerTokens = true
            }
        }
        self.options = options
        self.scopedOptions = scoped
        self.gluedOptions = glued
        let allNames = options.union(scoped.values.joined())
        self.optionNames = allNames
        self.gluedPrefixes = Array(Set(glued.values.joined()))
        self.longestOptionName = allNames.map(\.utf8.count).max() ?? 0
        self.optionFirstBytes = Set(allNames.compactMap(\.utf8.first))
        self.programNames = Set(scoped.keys).union(glued.keys)
        self.longestProgramName = programNames.map(\.utf8.count).max() ?? 0
        self.scanner = scanner
        self.markers = RedactionMarker(key: Array(key))
    }

    /// Redacts the secrets of `event` in place.
    /// - Returns: how many values were replaced, counting a secret once per field it appears in
    ///   (in argv and again in proctitle).
    public func redact(_ event: inout AuditEvent) -> Int {
        var count = 0
        let programs = Programs(exe: event.process.exe, argv0: event.process.argv.first)
        let argvIsProctitle = event.process.proctitle.map { Self.isJoined(event.process.argv, $0) } ?? false
        if !event.process.argv.isEmpty {
            var argv = event.process.argv
            count += redact(arguments: &argv, programs: programs)
            if count > 0 { event.process.argv = argv }
        }
        if let proctitle = event.process.proctitle {
            if argvIsProctitle {
                // The common case (proctitle is argv joined by spaces, under the kernel's
                // 128-byte cut): reuse argv, so one secret has one marker in both fields.
                if count > 0 {
                    let redacted = event.process.argv.joined(separator: " ")
                    count += markerCount(redacted) - markerCount(proctitle)
                    event.process.proctitle = redacted
                }
            } else {
                var words = proctitle.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
                let found = redact(arguments: &words, programs: programs)
                if found > 0 {
                    count += found
                    event.process.proctitle = words.joined(separator: " ")
                }
            }
        }
        if event.userMessage != nil {
            count += redact(text: &event.userMessage!.op)
            count += redact(text: &event.userMessage!.acct)
        }
        return count
    }

    /// Redacts the secrets that ``SecretScanner`` finds in `text`.
    func redact(text: inout String?) -> Int {
        guard text != nil else { return 0 }
        return redact(text: &text!)
    }

    /// Redacts the secrets that ``SecretScanner`` finds in `text`.
    func redact(text: inout String) -> Int { scan(&text).count }

    /// `text` with each byte range in `spans` (ordered, disjoint) replaced by its marker.
    func replacing(_ text: String, spans: [Range<Int>]) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + spans.count * RedactionMarker.length)
        bytes.withUnsafeBufferPointer { b in
            var at = 0
            for span in spans {
                out.append(contentsOf: b[at..<span.lowerBound])
                markers.append(for: UnsafeBufferPointer(rebasing: b[span]), to: &out)
                at = span.upperBound
            }
            out.append(contentsOf: b[at...])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The marker `secret` gets under this redactor's key.
    public func marker(for secret: String) -> String { markers.marker(for: secret) }

    /// `-pSECRET` for prefix `-p`: longer than the prefix, and not a long option.
    static func isGlued(_ arg: String, _ prefix: String) -> Bool {
        var a = arg
        var p = prefix
        return a.withUTF8 { a in
            p.withUTF8 { p in
                guard a.count > p.count, p.count >= 2 else { return false }
                for j in 0..<p.count where a[j] != p[j] { return false }
                return !(a[1] == UInt8(ascii: "-") && p[1] != UInt8(ascii: "-"))
            }
        }
    }

    /// Whether `proctitle` is `argv` joined by single spaces, compared without joining.
    static func isJoined(_ argv: [String], _ proctitle: String) -> Bool {
        guard !argv.isEmpty else { return false }
        var title = proctitle
        return title.withUTF8 { t in
            var at = 0
            for k in argv.indices {
                if k > 0 {
                    guard at < t.count, t[at] == UInt8(ascii: " ") else { return false }
                    at += 1
                }
                var arg = argv[k]
                let matched = arg.withUTF8 { a in
                    guard t.count - at >= a.count else { return false }
                    for j in 0..<a.count where t[at + j] != a[j] { return false }
                    return true
                }
                guard matched else { return false }
                at += arg.utf8.count
            }
            return at == t.count
        }
    }

    /// Counts markers in a text redacted from argv (for the proctitle count).
    func markerCount(_ text: String) -> Int {
        var count = 0
        var rest = text.utf8[...]
        while let at = rest.firstIndex(of: UInt8(ascii: "[")) {
            rest = rest[at...]
            if rest.starts(with: RedactionMarker.prefix) { count += 1 }
            rest = rest.dropFirst()
        }
        return count
    }
}
