import FleetModel

/// Clearing the reused builder between events (``AuditEventNormalizer/Builder`` keeps the
/// event's arrays and strings' storage from one event to the next).
extension AuditEventNormalizer.Builder {
    /// Forgets the last event, keeping the storage of its arrays where nobody else holds them.
    ///
    /// Field by field, each only when set: assigning whole new values (`AuditProcess()`,
    /// nil to an optional struct) runs the outlined destroy of every field in it, set or
    /// not, and emptying an array goes through the generic `replaceSubrange`. A tripwire in
    /// BuilderReuseTests counts the fields, so a new one cannot be forgotten here.
    mutating func reset() {
        // Optional structs are tested through a field (`?.field != nil`): `!= nil` copies
        // the whole value (retaining each of its strings) to test it, then destroys the copy.
        if event.syscall?.number != nil {
            swap(&args, &event.syscall!.arguments)
            event.syscall = nil
        }
        Self.empty(&args)
        event.timestampMilliseconds = 0
        event.serial = 0
        if event.node != nil { event.node = nil }
        event.kind = .other
        Self.empty(&event.recordTypes)
        resetProcess()
        resetUser()
        Self.empty(&event.paths)
        if event.socket?.family != nil { event.socket = nil }
        Self.empty(&event.keys)
        if event.config?.byAgent != nil { event.config = nil }
        event.success = nil
        haveStamp = false
        arch = nil
        if archText != nil { archText = nil }
        syscallNumber = nil
        if syscallName != nil { syscallName = nil }
        exit = nil
        if !argumentChunks.isEmpty { argumentChunks = [:] }
        kindFromRecords = nil
        if haveUserMessage { event.userMessage = nil }  // the only way it gets set (finish())
        haveUserMessage = false
        if config?.byAgent != nil { config = nil }
    }

    fileprivate mutating func resetProcess() {
        event.process.pid = nil
        event.process.ppid = nil
        if event.process.comm != nil { event.process.comm = nil }
        if event.process.exe != nil { event.process.exe = nil }
        if event.process.parentExe != nil { event.process.parentExe = nil }
        Self.empty(&event.process.argv)
        if event.process.cwd != nil { event.process.cwd = nil }
        if event.process.proctitle != nil { event.process.proctitle = nil }
        if event.process.tty != nil { event.process.tty = nil }
    }

    fileprivate mutating func resetUser() {
        event.user.uid = nil
        event.user.euid = nil
        event.user.gid = nil
        event.user.auid = nil
        event.user.ses = nil
        if event.user.uidName != nil { event.user.uidName = nil }
        if event.user.euidName != nil { event.user.euidName = nil }
        if event.user.gidName != nil { event.user.gidName = nil }
        if event.user.auidName != nil { event.user.auidName = nil }
    }

    /// Empties `array`, keeping its storage when unshared.
    @inline(__always)
    static func empty<T>(_ array: inout [T]) {
        for _ in 0..<array.count { array.removeLast() }
    }
}
