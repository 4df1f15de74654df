extension SecretRedactor {
    /// The program an event ran, by basename, for rules scoped by executable.
    ///
    /// Both the basename of `exe` and of `argv[0]` count: `exe` is the resolved file
    /// (`/usr/bin/mariadb` when `mysql` is a symbolic link to it) and `argv[0]` is what was typed.
    struct Programs {
        var exe: Substring?
        var argv0: Substring?

        init(exe: String?, argv0: String?) {
            self.exe = exe.map(Self.basename)
            self.argv0 = argv0.map(Self.basename)
            if self.argv0 == self.exe { self.argv0 = nil }
        }

        /// The values of `table` for these programs, nil when neither is in it.
        func union<Value: SetAlgebra>(_ table: [String: Value]) -> Value? {
            guard !table.isEmpty else { return nil }
            let a = exe.flatMap { table[String($0)] }
            let b = argv0.flatMap { table[String($0)] }
            switch (a, b) {
            case (let a?, let b?): return a.union(b)
            case (let a?, nil): return a
            case (nil, let b?): return b
            case (nil, nil): return nil
            }
        }

        /// The values of `table` for these programs, nil when neither is in it.
        func union(_ table: [String: [String]]) -> [String]? {
            guard !table.isEmpty else { return nil }
            let a = exe.flatMap { table[String($0)] }
            let b = argv0.flatMap { table[String($0)] }
            switch (a, b) {
            case (let a?, let b?): return a + b
            case (let a?, nil): return a
            case (nil, let b?): return b
            case (nil, nil): return nil
            }
        }

        static func basename(_ path: String) -> Substring {
            guard let slash = path.lastIndex(of: "/") else { return path[...] }
            return path[path.index(after: slash)...]
        }
    }
}
