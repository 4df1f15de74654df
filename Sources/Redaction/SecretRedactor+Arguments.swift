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
        // Looked up at the first argument that needs them: most command lines never do.
        var resolved = false
        var scoped: Set<String>? = nil
        var glued: [String]? = nil
        var k = 0
        while k < argv.count {
            let arg = argv[k]
            guard let first = arg.utf8.first else {
                k += 1
                continue
            }
            if nested, first != UInt8(ascii: "-"), !programNames.isEmpty {
                let name = Programs.basename(arg)
                if name.utf8.count <= longestProgramName, programNames.contains(String(name)) {
                    (scoped, glued) = Programs(exe: arg, argv0: nil).lookUp(scopedOptions, gluedOptions)
                    resolved = true
                    k += 1
                    continue
                }
            }
            if k > 0 || nested, first == UInt8(ascii: "-") || optionFirstBytes.contains(first) {
                if let name = optionName(arg, first: first), optionNames.contains(String(name)) {
                    if !resolved {
                        (scoped, glued) = programs.lookUp(scopedOptions, gluedOptions)
                        resolved = true
                    }
                    if isOption(name, scoped) {
                        if name.utf8.count == arg.utf8.count {
                            // `--password value`: the whole next argument is the secret.
                            if k + 1 < argv.count, !argv[k + 1].isEmpty, !Self.isMarker(argv[k + 1].utf8[...]) {
                                argv[k + 1] = replacing(argv[k + 1], spans: [0..<argv[k + 1].utf8.count])
                                count += 1
                            }
                            k += 2
                            continue
                        }
                        // `--password=value`.
                        let start = name.utf8.count + 1
                        if start < arg.utf8.count, !Self.isMarker(arg.utf8.dropFirst(start)) {
                            argv[k] = replacing(arg, spans: [start..<arg.utf8.count])
                            count += 1
                        }
                        k += 1
                        continue
                    }
                }
                if first == UInt8(ascii: "-"), gluedPrefixes.contains(where: { Self.isGlued(arg, $0) }) {
                    if !resolved {
                        (scoped, glued) = programs.lookUp(scopedOptions, gluedOptions)
                        resolved = true
                    }
                    if let glued, let prefix = glued.first(where: { Self.isGlued(arg, $0) }) {
                        if !Self.isMarker(arg.utf8.dropFirst(prefix.utf8.count)) {
                            argv[k] = replacing(arg, spans: [prefix.utf8.count..<arg.utf8.count])
                            count += 1
                        }
                        k += 1
                        continue
                    }
                }
            }
            if !nested {
                // Read, and write back only on a change: an `inout` element would make argv
                // unique (a copy) for every event.
                var text = arg
                let (found, hasSpace) = scan(&text)
                count += found
                var changed = found > 0
                if hasSpace, mayHoldOptions(text) {
                    var words = text.utf8.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
                        .map { String(Substring($0)) }
                    let inWords = redact(arguments: &words, programs: programs, nested: true)
                    if inWords > 0 {
                        count += inWords
                        changed = true
                        text = words.joined(separator: " ")
                    }
                }
                if changed { argv[k] = text }
            }
            k += 1
        }
        return count
    }

    /// Whether `value` is one whole marker: a value redacted before, left as it is.
    static func isMarker(_ value: Substring.UTF8View) -> Bool {
        guard value.count == SecretScanner.markerLength else { return false }
        return Array(value).withUnsafeBufferPointer { SecretScanner.isMarker($0, 0) }
    }

    /// Whether a word of `text` (split at spaces) may be an option name or a glued option:
    /// a cheap byte test, so that the words of a long `sh -c` script are not made into strings
    /// unless one of them could matter.
    func mayHoldOptions(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { b in
            var start = 0
            while start < b.count {
                var end = start
                while end < b.count, b[end] != UInt8(ascii: " ") { end += 1 }
                if end > start, optionFirstBytes.contains(b[start]) || b[start] == UInt8(ascii: "-") {
                    var nameEnd = start
                    while nameEnd < end, b[nameEnd] != UInt8(ascii: "=") { nameEnd += 1 }
                    if nameEnd - start <= longestOptionName,
                        optionNames.contains(String(decoding: UnsafeBufferPointer(rebasing: b[start..<nameEnd]), as: UTF8.self))
                    {
                        return true
                    }
                    if b[start] == UInt8(ascii: "-") {
                        let word = String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self)
                        if gluedPrefixes.contains(where: { Self.isGlued(word, $0) }) {
                            return true
                        }
                    }
                }
                start = end + 1
            }
            return false
        }
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
        // The scan steps over values, and the white space after `Bearer` with them.
        return (spans.count, hasSpace || text.utf8.contains(UInt8(ascii: " ")))
    }
}
