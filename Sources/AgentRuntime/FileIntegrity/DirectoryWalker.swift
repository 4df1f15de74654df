import FileIntegrity
import Glibc

/// Walks directory trees with lstat(2) and readdir(3), recording every admitted path's state
/// and hashing regular files.
///
/// Symlinks are recorded, never followed, so a link to `/` cannot make a scan of `/etc` walk
/// the whole host. Sockets, FIFOs and device nodes are recorded by metadata and never opened.
/// A directory on another device is checked with statfs(2), and pseudo file systems (proc,
/// sysfs, cgroup…) are recorded but not entered: their "files" are kernel state, not content.
/// The walk keeps an explicit stack, so depth costs no native stack.
struct DirectoryWalker {
    let filter: PathFilter
    let maxFileSizeBytes: UInt64
    let hasher: FileHasher
    private(set) var statistics = ScanStatistics()
    /// Called with each directory just before the walk lists it, so the monitor can watch it.
    var directoryListed: ((String) -> Void)?

    init(configuration: FIMConfiguration, hasher: FileHasher) {
        filter = configuration.filter
        maxFileSizeBytes = configuration.maxFileSizeBytes
        self.hasher = hasher
    }

    /// Records `path` and, when it is a directory and `recursive`, everything below it;
    /// when not `recursive`, a directory's direct entries only.
    ///
    /// A path that does not exist (any more) records nothing: for a rescan after an inotify
    /// event, that is how a deletion shows.
    /// - Parameters:
    ///   - checkFilter: false for a configured root, which is recorded whatever the globs say.
    mutating func walk(_ path: String, recursive: Bool, checkFilter: Bool = true, into snapshot: inout FileSnapshot) {
        guard case .success(let rootInfo) = FileSystemCalls.lstat(path) else { return }
        let rootIsDirectory = rootInfo.st_mode & S_IFMT == S_IFDIR
        if checkFilter, !filter.admits(path: path, name: Self.name(of: path), isDirectory: rootIsDirectory) { return }
        guard record(path, info: rootInfo, into: &snapshot) != nil, rootIsDirectory else { return }
        var pending: [(path: String, device: UInt64)] = [(path, UInt64(rootInfo.st_dev))]
        while let (directory, device) = pending.popLast() {
            // Watch before listing, so an entry created in between is not missed.
            directoryListed?(directory)
            guard case .success(let (names, undecodable)) = FileSystemCalls.directoryNames(directory) else {
                statistics.unreadableDirectories += 1
                continue
            }
            statistics.undecodableNames += undecodable
            for name in names {
                let child = directory == "/" ? "/" + name : directory + "/" + name
                guard case .success(let info) = FileSystemCalls.lstat(child) else { continue }
                let isDirectory = info.st_mode & S_IFMT == S_IFDIR
                guard filter.admits(path: child, name: name, isDirectory: isDirectory) else { continue }
                record(child, info: info, into: &snapshot)
                guard isDirectory, recursive else { continue }
                let childDevice = UInt64(info.st_dev)
                if childDevice != device, isPseudoFileSystem(child) {
                    statistics.pseudoFileSystemsSkipped += 1
                    continue
                }
                pending.append((child, childDevice))
            }
        }
    }

    /// Records `path` alone, without listing it when it is a directory (an attribute change).
    mutating func recordEntry(_ path: String, checkFilter: Bool, into snapshot: inout FileSnapshot) {
        guard case .success(let info) = FileSystemCalls.lstat(path) else { return }
        let isDirectory = info.st_mode & S_IFMT == S_IFDIR
        if checkFilter, !filter.admits(path: path, name: Self.name(of: path), isDirectory: isDirectory) { return }
        record(path, info: info, into: &snapshot)
    }

    static func name(of path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? "/"
    }

    @discardableResult
    private mutating func record(_ path: String, info: stat, into snapshot: inout FileSnapshot) -> FileState? {
        var state = FileState(info)
        switch state.type {
        case .regular:
            statistics.regularFiles += 1
            if state.size > maxFileSizeBytes {
                statistics.oversizedFiles += 1
                break
            }
            switch hasher.hash(path: path, inode: state.inode) {
            case .hashed(let digest):
                state.sha256 = digest
                statistics.bytesHashed += state.size
            case .replaced:
                return nil
            case .failed:
                statistics.hashFailures += 1
            }
        case .symlink:
            guard case .success(let target) = FileSystemCalls.readlink(path, size: Int(state.size)) else { return nil }
            state.target = target
        default:
            break
        }
        statistics.entries += 1
        snapshot[path] = state
        return state
    }

    /// Pseudo file systems whose content is kernel state (linux/magic.h).
    private static let pseudoFileSystemMagics: Set<Int> = [
        0x9fa0, 0x6265_6572, 0x1cd1, 0x0027_e0eb, 0x6367_7270, 0x6462_6720, 0x7472_6163, 0x7363_6673,
        0x6165_676C, 0xcafe_4a11, 0x6265_6570, 0x6573_5543, 0x4249_4e4d, 0x1980_0202,
    ]

    private func isPseudoFileSystem(_ path: String) -> Bool {
        guard case .success(let magic) = FileSystemCalls.fileSystemType(path) else { return true }
        return Self.pseudoFileSystemMagics.contains(magic)
    }
}
