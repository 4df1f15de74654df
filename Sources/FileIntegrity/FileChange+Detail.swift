import FleetModel

extension FileChange {
    /// The change as the `detail` document of its stored event (kind `fim`):
    ///
    /// ```
    /// {"fim":{"change":"modified","old_path":null,
    ///         "old":{"sha256":"…","type":"file","mode":"0644","uid":0,"gid":0,"size":3,"mtime_ns":…,"inode":12,"target":null},
    ///         "new":{…}}}
    /// ```
    /// The states have the same form as in ``jsonLine(host:)``; the path itself goes into the
    /// event's `path` column. Nested under "fim" so the document never collides with the keys an
    /// audit event's detail uses (process, user, syscall…), which the shared event schema merges in.
    public var detailJSON: String {
        "{\"fim\":{\"change\":\(Self.quoted(kind.rawValue))"
            + ",\"old_path\":" + (oldPath.map(Self.quoted) ?? "null")
            + ",\"old\":" + (old.map(Self.json) ?? "null")
            + ",\"new\":" + (new.map(Self.json) ?? "null")
            + "}}"
    }
}
