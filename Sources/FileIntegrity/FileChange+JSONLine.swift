import FleetModel
extension FileChange {
    /// The change as one line of JSON (RFC 8259), without the trailing newline: the form
    /// `herdwatch-agent scan` prints until the shipper stores changes in PostgreSQL.
    ///
    /// ```
    /// {"host":"web-1","kind":"renamed","path":"/etc/b","old_path":"/etc/a",
    ///  "old":{"sha256":"…","type":"file","mode":"0644","uid":0,"gid":0,"size":3,"mtime_ns":…,"inode":12,"target":null},
    ///  "new":{…}}
    /// ```
    /// Keys are always present and in this order; absent values are `null`. `mode` is the
    /// octal permission string; `mtime_ns` is nanoseconds since the Unix epoch.
    /// - Parameter host: the reporting host, written first when given.
    public func jsonLine(host: String? = nil) -> String {
        var out = "{" + (host.map { "\"host\":\(Self.quoted($0))," } ?? "")
        out += "\"kind\":\(Self.quoted(kind.rawValue)),\"path\":\(Self.quoted(path))"
        out += ",\"old_path\":" + (oldPath.map(Self.quoted) ?? "null")
        out += ",\"old\":" + (old.map(Self.json) ?? "null")
        out += ",\"new\":" + (new.map(Self.json) ?? "null")
        return out + "}"
    }

    static func json(_ state: FileState) -> String {
        let mode = String(state.mode, radix: 8)
        return "{\"sha256\":\(state.sha256.map(quoted) ?? "null"),\"type\":\(quoted(state.type.rawValue))"
            + ",\"mode\":\"\(String(repeating: "0", count: max(0, 4 - mode.count)) + mode)\""
            + ",\"uid\":\(state.uid),\"gid\":\(state.gid),\"size\":\(state.size)"
            + ",\"mtime_ns\":\(state.mtimeNanoseconds),\"inode\":\(state.inode)"
            + ",\"target\":\(state.target.map(quoted) ?? "null")}"
    }

    static func quoted(_ text: String) -> String { JSONString.quoted(text) }
}
