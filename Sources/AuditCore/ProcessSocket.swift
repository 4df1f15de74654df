/// One process's socket: its pid and fd, as `socket`, `bind`, `listen` and `connect` events name it
/// (the fd is the syscall's exit, or its first argument). What ``SocketTypes`` and
/// ``SocketBindings`` remember things by.
struct ProcessSocket: Hashable, Sendable {
    var pid: Int32
    var fd: UInt64
}
