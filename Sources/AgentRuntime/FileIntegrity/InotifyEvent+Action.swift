import FileIntegrity
import Glibc

extension InotifyEvent {
    /// What the monitor does about one event: the meaning of inotify(7)'s bits, kept apart
    /// from the loop so it is tested without a kernel.
    enum Action: Hashable {
        /// IN_Q_OVERFLOW: the kernel dropped events; only a full rescan knows what changed.
        case fullRescan
        /// IN_IGNORED: the kernel removed the watch (its directory is gone).
        case watchRemoved
        case rescan(RescanScope)
        /// A file was created or written and is not closed yet (IN_CREATE, IN_MODIFY without
        /// IN_CLOSE_WRITE): rescan it once the writer closes it (``WriteTracker``), so a file
        /// written in many chunks is hashed and reported once, with its final content.
        case rescanAfterWrite(String)
        /// A file's attributes changed (IN_ATTRIB alone): rescan it now, unless it is being
        /// written, in which case its close reports both.
        case rescanUnlessBeingWritten(String)
        /// A directory moved away or moved itself: drop the watches below it (they would report
        /// under the old path), then rescan where it was. Where it went gets its own event.
        case unwatchAndRescan(String)
        /// An event for a watch this monitor no longer knows.
        case none
    }

    /// - Parameter directory: the directory this event's watch stands for, or nil when unknown.
    func action(directory: String?) -> Action {
        if has(IN_Q_OVERFLOW) { return .fullRescan }
        guard let directory else { return .none }
        if has(IN_IGNORED) { return .watchRemoved }
        guard !name.isEmpty else {
            if has(IN_MOVE_SELF) { return .unwatchAndRescan(directory) }
            if has(IN_DELETE_SELF) { return .rescan(.subtree(directory)) }
            // IN_MODIFY and IN_CLOSE_WRITE without a name come from a watched root that is a
            // file: like any other file, it is reported once its writer closes it.
            if has(IN_CLOSE_WRITE) { return .rescan(.entry(directory)) }
            if has(IN_MODIFY) { return .rescanAfterWrite(directory) }
            return has(IN_ATTRIB) ? .rescanUnlessBeingWritten(directory) : .none
        }
        let path = directory == "/" ? "/" + name : directory + "/" + name
        guard isDirectory else {
            if has(IN_CLOSE_WRITE) || has(IN_DELETE) || has(IN_MOVED_FROM) || has(IN_MOVED_TO) { return .rescan(.entry(path)) }
            if has(IN_CREATE) || has(IN_MODIFY) { return .rescanAfterWrite(path) }
            return has(IN_ATTRIB) ? .rescanUnlessBeingWritten(path) : .rescan(.entry(path))
        }
        if has(IN_MOVED_FROM) || has(IN_DELETE) { return .unwatchAndRescan(path) }
        if has(IN_CREATE) || has(IN_MOVED_TO) { return .rescan(.subtree(path)) }
        return .rescan(.entry(path))
    }
}
