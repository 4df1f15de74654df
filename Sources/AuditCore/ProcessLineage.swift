import FleetModel

/// Remembers `pid → executable` from every event seen and sets each event's parent executable.
///
/// Pure and bounded (a ``BoundedMap``): the agent owns one per host stream. The parent's exe is
/// looked up *before* the event's own pid is recorded, so for an `execve` the parent is the
/// process that forked, and the pid then maps to the new image.
///
/// ```swift
/// var lineage = ProcessLineage()
/// var event = AuditEventNormalizer.normalize(records)
/// lineage.eventSeen(&event)   // event.process.parentExe is set when the ppid is known
/// ```
public struct ProcessLineage: Sendable {
    var executables: BoundedMap<Int32, String>

    public init(capacity: Int = 32_768) {
        executables = BoundedMap(capacity: capacity)
    }

    /// Records the event's pid and exe, and fills `event.process.parentExe` from its ppid.
    public mutating func eventSeen(_ event: inout AuditEvent) {
        if let ppid = event.process.ppid, event.process.parentExe == nil {
            event.process.parentExe = executables[ppid]
        }
        if let pid = event.process.pid, let exe = event.process.exe, executables.peek(pid) != exe {
            // An exe longer than a cache file accepts (a hostile record: real paths are at most
            // PATH_MAX) is not kept: it held up to 1 MB per pid, and one such entry made the
            // whole cache file be refused after a restart. The pid's old exe is stale: forgotten.
            executables[pid] = exe.utf8.count <= Self.maximumExeBytes ? exe : nil
        }
    }

    /// How many pids the table holds at most.
    public var capacity: Int { executables.capacity }

    /// How many pids the table holds.
    public var count: Int { executables.count }

    /// The executable last seen for `pid`.
    public mutating func executable(of pid: Int32) -> String? { executables[pid] }
}
