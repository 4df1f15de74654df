import FileIntegrity

/// One scan that reports what changed since the last one recorded in the state directory:
/// the work of `herdwatch-agent scan`.
///
/// Usage:
/// ```swift
/// let report = try FileIntegrityScan.run(configuration, store: FIMStateStore(directory: "/var/lib/herdwatch"))
/// for change in report.changes { print(change.jsonLine(host: "web-1")) }
/// ```
public enum FileIntegrityScan {
    public struct Report: Sendable {
        /// Inventory lines for roots scanned for the first time, then changes, sorted by path per root.
        public var changes: [FileChange]
        public var statistics: ScanStatistics
    }

    /// Loads the state, scans every root at full speed, hands the changes to `deliver`, saves
    /// the new state, returns what to report.
    ///
    /// The state is saved only after `deliver` returns: when delivery fails (the database is
    /// down), the state stays as it was and the next scan reports the same changes again,
    /// so none is lost.
    /// - Parameter deliver: stores or prints the changes; throwing keeps the old state.
    /// - Throws: ``FIMError`` for a missing root or an unreadable or unwritable state,
    ///   ``StateFileError`` for a damaged state file, or what `deliver` throws.
    public static func run(
        _ configuration: FIMConfiguration, store: FIMStateStore, deliver: ([FileChange]) throws -> Void = { _ in }
    ) throws -> Report {
        var normalized = configuration
        normalized.paths = try FileIntegrityScanner.normalizedRoots(configuration.paths)
        var state = try store.load() ?? FileIntegrityState()
        let (snapshot, statistics) = FileIntegrityScanner(configuration: normalized).scanAll()
        let changes = state.scanCompleted(snapshot, roots: normalized.paths)
        try deliver(changes)
        try store.save(state)
        return Report(changes: changes, statistics: statistics)
    }
}
