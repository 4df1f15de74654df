@testable import AgentRuntime
import Glibc

struct TestSystemCallError: Error, CustomStringConvertible {
    var call: String
    var errno: Errno
    var description: String { "\(call): \(errno)" }
}

/// posix_spawn(3) `arguments[0]` with `arguments` and waits for it; the child is ours alone.
/// - Returns: the child's pid and its wait status.
@discardableResult
func spawnAndWait(_ arguments: [String]) throws -> (pid: pid_t, status: Int32) {
    let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var child: pid_t = 0
    let result = posix_spawn(&child, arguments[0], nil, nil, argv, environ)
    guard result == 0 else { throw TestSystemCallError(call: "posix_spawn", errno: Errno(result)) }
    var status: Int32 = 0
    while waitpid(child, &status, 0) < 0 && errno == EINTR {}
    return (child, status)
}

/// A TCP socket bound to a free loopback port and listening, and a second socket connected
/// to it (loopback connects complete from the listen backlog, no accept needed).
/// - Returns: the port.
func listenAndConnect(family: Int32) throws -> UInt16 {
    func check(_ result: Int32, _ call: String) throws {
        if result < 0 { throw TestSystemCallError(call: call, errno: Errno(errno)) }
    }
    let listener = socket(family, Int32(SOCK_STREAM.rawValue), 0)
    try check(listener, "socket")
    defer { close(listener) }
    var port: UInt16 = 0
    for _ in 0..<50 {
        let candidate = UInt16.random(in: 20_000...60_000)
        if withAddress(family: family, port: candidate, { bind(listener, $0, $1) }) == 0 {
            port = candidate
            break
        }
    }
    guard port != 0 else { throw TestSystemCallError(call: "bind", errno: Errno(EADDRINUSE)) }
    try check(listen(listener, 4), "listen")
    let client = socket(family, Int32(SOCK_STREAM.rawValue), 0)
    try check(client, "socket")
    defer { close(client) }
    try check(withAddress(family: family, port: port) { connect(client, $0, $1) }, "connect")
    return port
}

/// A UDP socket connected to a random loopback port (a datagram connect needs no peer: it only
/// sets the default destination). - Returns: the port.
func connectUDP(family: Int32) throws -> UInt16 {
    let sock = socket(family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    if sock < 0 { throw TestSystemCallError(call: "socket", errno: Errno(errno)) }
    defer { close(sock) }
    let port = UInt16.random(in: 20_000...60_000)
    if withAddress(family: family, port: port, { connect(sock, $0, $1) }) < 0 {
        throw TestSystemCallError(call: "connect", errno: Errno(errno))
    }
    return port
}

/// Calls `body` with the loopback address of `family` and `port`.
private func withAddress(family: Int32, port: UInt16, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
    if family == AF_INET {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }
    var address = sockaddr_in6()
    address.sin6_family = sa_family_t(AF_INET6)
    address.sin6_port = port.bigEndian
    address.sin6_addr = in6addr_loopback
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
    }
}

/// Runs `body` in a child made by fork(2) and returns the ports it reports through a pipe.
/// The child only makes socket system calls and exits with _exit(2); it is ours alone and
/// waited for.
func inForkedChild(_ body: () throws -> [UInt16]) throws -> [UInt16] {
    var pipeEnds: [Int32] = [0, 0]
    guard pipe(&pipeEnds) == 0 else { throw TestSystemCallError(call: "pipe", errno: Errno(errno)) }
    let child = fork()
    guard child >= 0 else { throw TestSystemCallError(call: "fork", errno: Errno(errno)) }
    if child == 0 {
        close(pipeEnds[0])
        let ports = (try? body()) ?? []
        _ = ports.withUnsafeBytes { write(pipeEnds[1], $0.baseAddress, $0.count) }
        _exit(ports.isEmpty ? 1 : 0)
    }
    close(pipeEnds[1])
    defer { close(pipeEnds[0]) }
    var buffer = [UInt16](repeating: 0, count: 16)
    let count = buffer.withUnsafeMutableBytes { read(pipeEnds[0], $0.baseAddress, $0.count) }
    var status: Int32 = 0
    while waitpid(child, &status, 0) < 0 && errno == EINTR {}
    guard count > 0 else { throw TestSystemCallError(call: "child sockets", errno: Errno(EIO)) }
    return Array(buffer[0..<(count / 2)])
}
