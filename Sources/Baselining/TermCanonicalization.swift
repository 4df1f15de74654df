/// Turns the raw facts of events into terms, so that what differs only by a version, a release
/// directory, a random temporary name or an ephemeral port is one term.
///
/// Path rules are regular expressions tried in order; the first that matches rewrites the path
/// (`$1`…`$9` in the replacement insert captures) and no later rule runs. The defaults are
/// ``defaultPathRules``; operators may replace them (settings key `learn.path_rules`).
///
/// ```swift
/// let canon = try TermCanonicalization()
/// canon.exec("/usr/lib/jvm/java-17-openjdk-amd64/bin/java")   // exec /usr/lib/jvm/*/bin/java
/// canon.connect(address: "52.216.8.9", port: 443, exe: "/usr/bin/aws")  // connect 52.216.8.9:443/tcp /usr/bin/aws
/// ```
public struct TermCanonicalization: Sendable {
    /// One rewrite: a regular expression (Swift `Regex` syntax) and its replacement.
    public struct PathRule: Sendable, Hashable {
        public var pattern: String
        public var replacement: String

        public init(_ pattern: String, _ replacement: String) {
            self.pattern = pattern
            self.replacement = replacement
        }
    }

    public static let defaultPathRules: [PathRule] = [
        // JDKs and other versioned runtimes installed side by side.
        PathRule(#"^/usr/lib/jvm/[^/]+/"#, "/usr/lib/jvm/*/"),
        // Capistrano-style release directories: /opt/app/releases/20261120-1/…
        PathRule(#"^(/(?:opt|srv|var/www)/[^/]+/releases)/[^/]+/"#, "$1/*/"),
        // mktemp names: /tmp/tmp.Xa8sd9, /var/tmp/tmp.Q1w2e3r4t5
        PathRule(#"^(/(?:var/)?tmp)/tmp\.[A-Za-z0-9]{6,}"#, "$1/tmp.*"),
        // snap revisions: /snap/core22/1663/…
        PathRule(#"^/snap/([^/]+)/[0-9]+/"#, "/snap/$1/*/"),
        // Per-process and deleted-file paths.
        PathRule(#"^/proc/[0-9]+/"#, "/proc/*/"),
        PathRule(#"^/memfd:.*"#, "/memfd:*"),
        PathRule(#"[ ]\(deleted\)$"#, ""),
    ]

    /// Connect destinations on this port or above are the peer's ephemeral ports
    /// (Linux `ip_local_port_range` starts at 32768) and become `ephemeral`.
    public var ephemeralPortStart: Int
    public let pathRules: [PathRule]
    private let compiled: [CompiledRule]

    private struct CompiledRule: @unchecked Sendable {
        // Regex is not Sendable; it is immutable after compilation and only read.
        let regex: Regex<AnyRegexOutput>
        let replacement: String
    }

    /// - Throws: ``CanonicalizationError`` naming the first rule that is not a valid expression.
    public init(pathRules: [PathRule] = TermCanonicalization.defaultPathRules, ephemeralPortStart: Int = 32768) throws(CanonicalizationError) {
        self.pathRules = pathRules
        self.ephemeralPortStart = ephemeralPortStart
        var compiled: [CompiledRule] = []
        for rule in pathRules {
            do {
                compiled.append(CompiledRule(regex: try Regex(rule.pattern), replacement: rule.replacement))
            } catch {
                throw CanonicalizationError(pattern: rule.pattern, reason: "\(error)")
            }
        }
        self.compiled = compiled
    }

    /// A path with the first matching rule applied.
    public func path(_ path: String) -> String {
        for rule in compiled {
            guard let match = path.firstMatch(of: rule.regex) else { continue }
            var replaced = ""
            var chars = rule.replacement.makeIterator()
            while let c = chars.next() {
                guard c == "$" else { replaced.append(c); continue }
                guard let d = chars.next() else { replaced.append(c); break }
                if let n = d.wholeNumberValue, n > 0, n < match.output.count {
                    if let sub = match.output[n].substring { replaced += sub }
                } else {
                    replaced.append(c)
                    replaced.append(d)
                }
            }
            return String(path[..<match.range.lowerBound]) + replaced + String(path[match.range.upperBound...])
        }
        return path
    }

    public func exec(_ exe: String) -> Term { Term(.exec, path(exe)) }

    public func lineage(parent: String, child: String) -> Term { Term(.lineage, "\(path(parent)) -> \(path(child))") }

    /// `address:port/proto exe`. IPv6 addresses are bracketed; a port at or above
    /// ``ephemeralPortStart`` is written `ephemeral`. Unparseable addresses are kept as given.
    public func connect(address: String, port: Int?, proto: String = "tcp", exe: String?) -> Term {
        let ip = IPAddress(address)
        let host = ip.map { $0.isIPv4 ? $0.description : "[\($0)]" } ?? address
        return Term(.connect, "\(host):\(portText(port))/\(proto)" + (exe.map { " " + path($0) } ?? ""))
    }

    /// A connect term for a learned prefix of addresses (see ``DestinationGeneralization``).
    public static func connectPrefix(network: IPAddress, length: Int, port: String, proto: String, exe: String?) -> Term {
        let host = network.isIPv4 ? "\(network)/\(length)" : "[\(network)/\(length)]"
        return Term(.connect, "\(host):\(port)/\(proto)" + (exe.map { " " + $0 } ?? ""))
    }

    /// A connect to an AF_UNIX socket: `unix:PATH exe`.
    public func connectUnix(path socketPath: String, exe: String?) -> Term {
        Term(.connect, "unix:\(path(socketPath))" + (exe.map { " " + path($0) } ?? ""))
    }

    /// `port/proto exe`; listening ports are kept exact.
    public func listen(port: Int, proto: String = "tcp", exe: String?) -> Term {
        Term(.listen, "\(port)/\(proto)" + (exe.map { " " + path($0) } ?? ""))
    }

    /// `user@network`: the /24 (IPv4) or /64 (IPv6) of the source; `local` without a network
    /// source; loopback and link-local sources keep their own address.
    public func login(user: String, source: String?) -> Term {
        guard let source, let ip = IPAddress(source) else { return Term(.login, "\(user)@local") }
        if ip.isLoopback || ip.isLinkLocal { return Term(.login, "\(user)@\(ip)") }
        let length = ip.isIPv4 ? 24 : 64
        return Term(.login, "\(user)@\(ip.masked(to: length))/\(length)")
    }

    func portText(_ port: Int?) -> String {
        guard let port else { return "*" }
        return port >= ephemeralPortStart ? "ephemeral" : String(port)
    }
}

/// A path rule that is not a valid regular expression.
public struct CanonicalizationError: Error, Sendable, CustomStringConvertible {
    public let pattern: String
    public let reason: String
    public var description: String { "invalid path rule \(String(reflecting: pattern)): \(reason)" }
}
