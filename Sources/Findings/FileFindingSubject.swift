/// The subjects of file-integrity findings: one text form per change kind, so that the same
/// change on every host of a role is one finding (a deploy) and a change on one host alone is
/// its own. The subject is the finding's key within (role, kind), so it names the path and the
/// new content, never a host, a time or anything that differs between identical changes.
///
/// | change | subject (kind file_change) |
/// |---|---|
/// | created, modified | `PATH sha256:<first 12 hex of the new hash>`; other types: `PATH symlink -> TARGET`, `PATH dir`, `PATH size <N> (not hashed)` |
/// | renamed | `PATH sha256:<12 hex> renamed from OLDPATH` (the new content form, then the old path) |
/// | deleted | `PATH deleted` |
/// | attributes | `PATH attributes mode 0644->0600 uid 0->33 gid 0->33` (only what changed among mode, uid, gid), or `PATH attributes mtime` / `PATH attributes inode` when only those moved |
/// | inventory | none: an inventory line is a record, not a change |
///
/// A file_drift finding's subject is the path alone: one finding per (role, path).
public enum FileFindingSubject {
    /// What a change says about one side (before or after) of a path.
    public struct State: Sendable, Hashable {
        /// `file`, `dir`, `symlink`, … as the agent spells it.
        public var type: String
        public var sha256: String?
        /// Octal permission string ("0644").
        public var mode: String?
        public var uid: String?
        public var gid: String?
        public var size: String?
        public var target: String?
        public var mtimeNanoseconds: String?
        public var inode: String?

        public init(
            type: String, sha256: String? = nil, mode: String? = nil, uid: String? = nil, gid: String? = nil,
            size: String? = nil, target: String? = nil, mtimeNanoseconds: String? = nil, inode: String? = nil
        ) {
            self.type = type
            self.sha256 = sha256
            self.mode = mode
            self.uid = uid
            self.gid = gid
            self.size = size
            self.target = target
            self.mtimeNanoseconds = mtimeNanoseconds
            self.inode = inode
        }
    }

    /// Hex digits of the hash kept in a subject: enough to tell contents apart at a glance,
    /// short enough to read; the full hashes are in the finding's facts.
    public static let hashPrefixLength = 12

    /// The content part of a subject: `sha256:<12 hex>`, `symlink -> TARGET`, `size <N> (not hashed)`, or the type.
    public static func content(_ state: State) -> String {
        if let sha256 = state.sha256, state.type == "file" { return "sha256:" + sha256.prefix(hashPrefixLength) }
        switch state.type {
        case "symlink": return "symlink -> " + (state.target ?? "")
        case "file": return "size \(state.size ?? "?") (not hashed)"
        default: return state.type
        }
    }

    /// The file_change subject of a change, or nil for inventory lines and unknown change kinds.
    /// - Parameter change: the agent's change kind (`created`, `modified`, `attributes`, `deleted`, `renamed`).
    public static func change(_ change: String, path: String, oldPath: String?, old: State?, new: State?) -> String? {
        switch change {
        case "created", "modified":
            return new.map { path + " " + content($0) }
        case "renamed":
            guard let new else { return nil }
            return path + " " + content(new) + " renamed from " + (oldPath ?? "?")
        case "deleted":
            return path + " deleted"
        case "attributes":
            return path + " attributes " + attributes(old: old, new: new)
        default:
            return nil
        }
    }

    /// `mode 0644->0600 uid 0->33`, or the names of what else moved (`mtime`, `inode`).
    static func attributes(old: State?, new: State?) -> String {
        var parts: [String] = []
        for (name, before, after) in [("mode", old?.mode, new?.mode), ("uid", old?.uid, new?.uid), ("gid", old?.gid, new?.gid)]
        where before != after {
            parts.append("\(name) \(before ?? "?")->\(after ?? "?")")
        }
        if !parts.isEmpty { return parts.joined(separator: " ") }
        var moved: [String] = []
        if old?.inode != new?.inode { moved.append("inode") }
        if old?.mtimeNanoseconds != new?.mtimeNanoseconds { moved.append("mtime") }
        return moved.isEmpty ? "changed" : moved.joined(separator: " ")
    }

    /// The file_drift subject: the path.
    public static func drift(path: String) -> String { path }
}
