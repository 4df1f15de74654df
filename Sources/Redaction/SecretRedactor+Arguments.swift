extension SecretRedactor {
    /// Redacts a command line: options by position for `programs`, then the text of each
    /// argument; an argument with spaces (a `sh -c` script, a proctitle word list) is also
    /// taken apart into words, each command in it scoped by its own program name.
    /// - Parameters:
    ///   - nested: `argv` are the words of one argument: no text scan (done on the whole), and a
    ///     word that names a program with scoped rules (`mysql`) starts a new command.
    /// - Returns: how many values were replaced.
    func redact(arguments argv: inout [String], programs: Programs, nested: Bool = false) -> Int {
        var count = 0
        var scoped = programs.union(scopedOptions)
        var glued = programs.union(gluedOptions)
        var k = 0
        while k < argv.count {
            let arg = argv[k]
            guard let first = arg.utf8.first else {
                k += 1
                continue
            }
            if nested, first != UInt8(ascii: "-"), !programNames.isEmpty {
                let program = Programs(exe: arg, argv0: nil)
                if let name = program.exe, programNames.contains(String(name)) {
                    scoped = program.union(scopedOptions)
                    glued = program.union(gluedOptions)
                    k += 1
                    continue
                }
            }
            if k > 0 || nested {
                if let name = optionName(arg, first: first), isOption(name, scoped) {
                    if name.utf8.count == arg.utf8.count {
                        // `--password value`: the whole next argument is the secret.
                        if k + 1 < argv.count, !argv[k + 1].isEmpty, !argv[k + 1].hasPrefix("[REDACTED:") {
                            argv[k + 1] = replacing(argv[k + 1], spans: [0..<argv[k + 1].utf8.count])
                            count += 1
                        }
                        k += 2
                        continue
                    }
                    // `--password=value`.
                    let start = name.utf8.count + 1
                    if start < arg.utf8.count, !arg.utf8.dropFirst(start).starts(with: RedactionMarker.prefix) {
                        argv[k] = replacing(arg, spans: [start..<arg.utf8.count])
                        count += 1
                    }
                    k += 1
                    continue
                }
                if first == UInt8(ascii: "-"), let glued, let prefix = glued.first(where: { Self.isGlued(arg, $0) }) {
                    if !arg.utf8.dropFirst(prefix.utf8.count).starts(with: RedactionMarker.prefix) {
                        argv[k] = replacing(arg, spans: [prefix.utf8.count..<arg.utf8.count])
                        count += 1
                    }
                    k += 1
                    continue
                }
            }
            if !nested {
                let (found, hasSpace) = scan(&argv[k])
                count += found
                if hasSpace {
                    var words = argv[k].split(separator: " ", omittingEmptySubsequences: false).map(String.init)
                    let inWords = redact(arguments: &words, programs: programs, nested: true)
                    if inWords > 0 {
                        count += inWords
                        argv[k] = words.joined(separator: " ")
                    }
                }
            }
            k += 1
        }
        return count
    }

    /// The option name `arg` may be: all of it, or what comes before `=`; nil when it cannot
    /// be one (too long, or a first byte no option name has), so no hashing of long arguments.
    private func optionName(_ arg: String, first: UInt8) -> Substring? {
        guard optionFirstBytes.contains(first) else { return nil }
        let utf8 = arg.utf8
        var end = utf8.startIndex
        var length = 0
        while end != utf8.endIndex, utf8[end] != UInt8(ascii: "=") {
            length += 1
            if length > longestOptionName { return nil }
            end = utf8.index(after: end)
        }
        return arg[..<end]
    }

    private func isOption(_ name: Substring, _ scoped: Set<String>?) -> Bool {
        let name = String(name)
        return options.contains(name) || (scoped?.contains(name) ?? false)
    }

    /// Scans `text` for in-text secrets.
    /// - Returns: how many were replaced, and whether the text has a space outside them.
    func scan(_ text: inout String) -> (count: Int, hasSpace: Bool) {
        guard !text.isEmpty else { return (0, false) }
        guard !scanner.isEmpty else { return (0, text.utf8.contains(UInt8(ascii: " "))) }
        var spans: [Range<Int>] = []
        var hasSpace = false
        let scanned: Void? = text.utf8.withContiguousStorageIfAvailable { hasSpace = scanner.scan($0, into: &spans) }
        if scanned == nil {
            Array(text.utf8).withUnsafeBufferPointer { hasSpace = scanner.scan($0, into: &spans) }
        }
        guard !spans.isEmpty else { return (0, hasSpace) }
        text = replacing(text, spans: spans)
        return (spans.count, hasSpace)
    }
}
