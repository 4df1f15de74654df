/// Compares two snapshots of the same paths and says what happened, one ``FileChange`` per path.
///
/// A path that disappeared and another that appeared are paired as a rename when they are the
/// same file: first by inode (same inode, same type, same content, as rename(2) keeps the
/// inode), then by content (one vanished and one new regular file with the same non-empty
/// SHA-256, as `cp` + `rm` or a move across filesystems leaves). Content must match in both
/// cases because the kernel reuses a deleted file's inode for the next file created; a rename
/// that also changed the content is reported as a deletion and a creation.
///
/// Usage:
/// ```swift
/// let changes = SnapshotDiff.changes(from: stored, to: rescanned)
/// ```
public enum SnapshotDiff {
    /// - Returns: the changes, sorted by path (the new path for renames).
    public static func changes(from old: FileSnapshot, to new: FileSnapshot) -> [FileChange] {
        var changes: [FileChange] = []
        var removed: [String: FileState] = [:]
        var added: [String: FileState] = [:]
        for (path, before) in old.entries {
            guard let after = new.entries[path] else {
                removed[path] = before
                continue
            }
            if after.contentDiffers(from: before) {
                changes.append(FileChange(kind: .modified, path: path, old: before, new: after))
            } else if after.attributesDiffer(from: before) {
                changes.append(FileChange(kind: .attributesChanged, path: path, old: before, new: after))
            }
        }
        for (path, after) in new.entries where old.entries[path] == nil {
            added[path] = after
        }
        changes += pairRenames(removed: &removed, added: &added)
        for (path, before) in removed {
            changes.append(FileChange(kind: .deleted, path: path, old: before))
        }
        for (path, after) in added {
            changes.append(FileChange(kind: .created, path: path, new: after))
        }
        return changes.sorted { $0.path < $1.path || ($0.path == $1.path && $0.kind.rawValue < $1.kind.rawValue) }
    }

    /// Every entry of a first scan as an ``FileChange/Kind/inventory`` line, sorted by path.
    public static func inventory(of snapshot: FileSnapshot) -> [FileChange] {
        snapshot.entries
            .map { FileChange(kind: .inventory, path: $0.key, new: $0.value) }
            .sorted { $0.path < $1.path }
    }

    private struct InodeKey: Hashable {
        var inode: UInt64
        var type: FileType
    }

    /// Removes paired paths from `removed` and `added` and returns them as renames.
    private static func pairRenames(
        removed: inout [String: FileState], added: inout [String: FileState]
    ) -> [FileChange] {
        guard !removed.isEmpty, !added.isEmpty else { return [] }
        var renames: [FileChange] = []
        var removedByInode: [InodeKey: String] = [:]
        for (path, state) in removed {
            removedByInode[InodeKey(inode: state.inode, type: state.type)] = path
        }
        for (path, after) in added.sorted(by: { $0.key < $1.key }) {
            let key = InodeKey(inode: after.inode, type: after.type)
            guard let oldPath = removedByInode[key], let before = removed[oldPath],
                  !after.contentDiffers(from: before) else { continue }
            renames.append(FileChange(kind: .renamed, path: path, oldPath: oldPath, old: before, new: after))
            removedByInode[key] = nil
            removed[oldPath] = nil
            added[path] = nil
        }
        renames += pairByContent(removed: &removed, added: &added)
        return renames
    }

    /// Pairs a vanished and a new regular file whose non-empty content is the same, when that
    /// content identifies exactly one of each (two copies of a file cannot say which moved).
    private static func pairByContent(
        removed: inout [String: FileState], added: inout [String: FileState]
    ) -> [FileChange] {
        func uniqueByHash(_ entries: [String: FileState]) -> [String: String] {
            var paths: [String: String?] = [:]
            for (path, state) in entries where state.type == .regular && state.size > 0 {
                guard let hash = state.sha256 else { continue }
                paths[hash] = paths[hash] == nil ? path : .some(nil)
            }
            return paths.compactMapValues { $0 }
        }
        let vanished = uniqueByHash(removed)
        guard !vanished.isEmpty else { return [] }
        var renames: [FileChange] = []
        for (hash, path) in uniqueByHash(added) {
            guard let oldPath = vanished[hash], let before = removed[oldPath], let after = added[path] else { continue }
            renames.append(FileChange(kind: .renamed, path: path, oldPath: oldPath, old: before, new: after))
            removed[oldPath] = nil
            added[path] = nil
        }
        return renames
    }
}
