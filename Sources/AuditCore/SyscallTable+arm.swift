extension SyscallTable {
    /// 32-bit ARM (EABI), the `b32` of aarch64: only the syscalls Herdwatch's rules name, typed
    /// from the kernel's arch/arm/tools/syscall.tbl (its uapi header is not installed on x86_64
    /// build hosts). Other names are unknown; numbers still work in rules.
    static let armNames: [StaticString] = {
        let known: [Int: StaticString] = [
            1: "exit", 2: "fork", 3: "read", 4: "write", 5: "open", 6: "close", 11: "execve",
            120: "clone", 190: "vfork", 281: "socket", 282: "bind", 283: "connect", 284: "listen",
            285: "accept", 322: "openat", 366: "accept4", 387: "execveat",
        ]
        return (0...387).map { known[$0] ?? "" }
    }()
}
