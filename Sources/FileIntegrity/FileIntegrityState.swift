/// What the agent remembers between scans: which roots have had their first scan (their
/// inventory shipped) and the snapshot of everything under them.
///
/// A restart loads this, rescans, and reports only the difference, so a reboot of the agent
/// raises nothing when nothing changed.
public struct FileIntegrityState: Hashable, Sendable {
    /// Roots whose inventory has been reported; a configured root not in here gets one.
    public var inventoriedRoots: Set<String>
    public var snapshot: FileSnapshot

    public init(inventoriedRoots: Set<String> = [], snapshot: FileSnapshot = FileSnapshot()) {
        self.inventoriedRoots = inventoriedRoots
        self.snapshot = snapshot
    }

    /// Takes a fresh scan of `roots`, returns what to report, and becomes the new state.
    ///
    /// Roots seen for the first time produce ``FileChange/Kind/inventory`` lines and no change;
    /// the others are diffed against what was stored. Roots no longer configured are forgotten
    /// without reporting their files as deleted (unwatching is not deleting).
    /// - Parameters:
    ///   - scan: a snapshot of everything under `roots`.
    ///   - roots: the configured roots, normalized.
    /// - Returns: inventory lines and changes, sorted by path within each root.
    public mutating func scanCompleted(_ scan: FileSnapshot, roots: [String]) -> [FileChange] {
        var report: [FileChange] = []
        for root in roots {
            let fresh = scan.subset(within: [root])
            if inventoriedRoots.contains(root) {
                report += SnapshotDiff.changes(from: snapshot.subset(within: [root]), to: fresh)
            } else {
                report += SnapshotDiff.inventory(of: fresh)
            }
        }
        inventoriedRoots = Set(roots)
        snapshot = scan
        return report
    }

    /// Takes a rescan of some scopes under already inventoried roots (after inotify events or
    /// a fallback scan), returns the changes, and updates the snapshot for those scopes.
    /// - Parameters:
    ///   - rescan: what is now inside `scopes`; a covered path missing from it was deleted.
    ///   - scopes: the rescanned scopes.
    public mutating func scopesRescanned(_ rescan: FileSnapshot, scopes: [RescanScope]) -> [FileChange] {
        let before = snapshot.subset(covering: scopes)
        snapshot.replace(covering: scopes, with: rescan.subset(covering: scopes))
        return SnapshotDiff.changes(from: before, to: rescan.subset(covering: scopes))
    }
}
