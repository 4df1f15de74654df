/// Field names the normalizer dispatches on, each packed by ``pack(_:)`` into one integer
/// (its bytes little-endian, zero padded), so a record's fields are matched with one `switch`
/// instead of byte comparisons name after name. Names longer than eight bytes (`proctitle`)
/// pack to 0 and are compared as bytes. FieldNameTests checks every constant against its name.
enum FieldName {
    static let pid: UInt64 = 0x646970  // "pid"
    static let ppid: UInt64 = 0x64697070  // "ppid"
    static let uid: UInt64 = 0x646975  // "uid"
    static let gid: UInt64 = 0x646967  // "gid"
    static let euid: UInt64 = 0x64697565  // "euid"
    static let auid: UInt64 = 0x64697561  // "auid"
    static let ses: UInt64 = 0x736573  // "ses"
    static let tty: UInt64 = 0x797474  // "tty"
    static let exe: UInt64 = 0x657865  // "exe"
    static let comm: UInt64 = 0x6d6d6f63  // "comm"
    static let key: UInt64 = 0x79656b  // "key"
    static let arch: UInt64 = 0x68637261  // "arch"
    static let exit: UInt64 = 0x74697865  // "exit"
    static let syscall: UInt64 = 0x6c6c6163737973  // "syscall"
    static let success: UInt64 = 0x73736563637573  // "success"
    static let cwd: UInt64 = 0x647763  // "cwd"
    static let saddr: UInt64 = 0x7264646173  // "saddr"
    static let res: UInt64 = 0x736572  // "res"
    static let name: UInt64 = 0x656d616e  // "name"
    static let inode: UInt64 = 0x65646f6e69  // "inode"
    static let mode: UInt64 = 0x65646f6d  // "mode"
    static let ouid: UInt64 = 0x6469756f  // "ouid"
    static let ogid: UInt64 = 0x6469676f  // "ogid"
    static let nametype: UInt64 = 0x65707974656d616e  // "nametype"
    static let objtype: UInt64 = 0x657079746a626f  // "objtype"
    static let op: UInt64 = 0x706f  // "op"
    static let acct: UInt64 = 0x74636361  // "acct"
    static let addr: UInt64 = 0x72646461  // "addr"
    static let hostname: UInt64 = 0x656d616e74736f68  // "hostname"
    static let terminal: UInt64 = 0x6c616e696d726574  // "terminal"
    static let result: UInt64 = 0x746c75736572  // "result"
    static let old: UInt64 = 0x646c6f  // "old"
    static let list: UInt64 = 0x7473696c  // "list"
    static let uidEnriched: UInt64 = 0x444955  // "UID"
    static let euidEnriched: UInt64 = 0x44495545  // "EUID"
    static let gidEnriched: UInt64 = 0x444947  // "GID"
    static let auidEnriched: UInt64 = 0x44495541  // "AUID"

    /// The name's bytes as one integer; 0 for names longer than eight bytes.
    ///
    /// Two overlapping loads of the widest word that fits, or'ed (the bytes they share land on
    /// the same places): a copy of a variable length was a memcpy call per field.
    @inline(__always)
    static func pack(_ k: UnsafeRawBufferPointer) -> UInt64 {
        let n = k.count
        guard n <= 8, let p = k.baseAddress else { return 0 }
        if n >= 4 {
            if n == 8 { return p.loadUnaligned(as: UInt64.self) }
            let low = UInt64(p.loadUnaligned(as: UInt32.self))
            let high = UInt64(p.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self))
            return low | high << UInt64((n &- 4) &* 8)
        }
        if n >= 2 {
            let low = UInt64(p.loadUnaligned(as: UInt16.self))
            let high = UInt64(p.loadUnaligned(fromByteOffset: n &- 2, as: UInt16.self))
            return low | high << UInt64((n &- 2) &* 8)
        }
        return n == 1 ? UInt64(p.load(as: UInt8.self)) : 0
    }
}
