extension SecretRedactor {
    /// The program an event ran, by basename, for rules scoped by executable.
    ///
    /// Both the basename of `exe` and of `argv[0]` count: `exe` is the resolved file
    /// (`/usr/bin/mariadb` when `mysql` is a symbolic link to it) and `argv[0]` is what was typed.
    /// Basenames are taken only when a rule needs them: most command lines never do.
    struct Programs {
        var exe: String?
        var argv0: String?

        /// The option names and glued prefixes `tables` hold for these programs' basenames.
        func lookUp(_ scoped: [String: Set<String>], _ glued: [String: [String]]) -> (Set<String>?, [String]?) {
            let a = exe.map(Self.basename).map(String.init)
            let b = argv0.map(Self.basename).map(String.init)
            let names = b == a ? [a].compactMap { $0 } : [a, b].compactMap { $0 }
            var options: Set<String>? = nil
            var prefixes: [String]? = nil
            for name in names {
                if let found = scoped[name] { options = options.map { $0.union(found) } ?? found }
                if let found = glued[name] { prefixes = (prefixes ?? []) + found }
            }
            return (options, prefixes)
        }

        static func basename(_ path: String) -> Substring {
            var copy = path
            let start = copy.withUTF8 { bytes in
                var k = bytes.count
                while k > 0, bytes[k - 1] != UInt8(ascii: "/") { k -= 1 }
                return k
            }
            return Substring(path.utf8[path.utf8.index(path.utf8.startIndex, offsetBy: start)...])
        }
    }
}
