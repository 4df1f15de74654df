import FileIntegrity
import Glibc

extension FileState {
    /// The state lstat(2) describes, without content: `sha256` and `target` are filled by the caller.
    init(_ info: stat) {
        self.init(
            type: FileType(mode: info.st_mode), mode: UInt32(info.st_mode) & 0o7777, uid: info.st_uid, gid: info.st_gid,
            size: UInt64(max(0, info.st_size)),
            mtimeNanoseconds: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
            inode: UInt64(info.st_ino))
    }
}

extension FileType {
    /// The `S_IFMT` bits of `st_mode` (inode(7)).
    init(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .directory
        case S_IFLNK: self = .symlink
        case S_IFIFO: self = .fifo
        case S_IFSOCK: self = .socket
        case S_IFCHR: self = .characterDevice
        case S_IFBLK: self = .blockDevice
        default: self = .unknown
        }
    }
}
