import FleetModel
import Glibc
import Testing

@testable import AgentRuntime

struct SocketError: Error { var call: String; var errno: Int32 }

/// A socket of `type` bound to an ephemeral port on the loopback address of `family`
/// (listening when TCP). Returns the descriptor and port, or nil when the family is unavailable.
func boundLoopbackSocket(family: Int32, type: Int32) throws -> (fd: Int32, port: UInt16)? {
    let fd = socket(family, type, 0)
    if fd < 0 {
        if family == AF_INET6 { return nil }
        throw SocketError(call: "socket", errno: errno)
    }
    var storage = sockaddr_storage()
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    let bound: Int32 = withUnsafeMutablePointer(to: &storage) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
            if family == AF_INET {
                address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    $0.pointee.sin_family = sa_family_t(AF_INET)
                    $0.pointee.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
                }
                return bind(fd, address, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
            address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                $0.pointee.sin6_family = sa_family_t(AF_INET6)
                _ = inet_pton(AF_INET6, "::1", &$0.pointee.sin6_addr)
            }
            return bind(fd, address, socklen_t(MemoryLayout<sockaddr_in6>.size))
        }
    }
    if bound != 0 {
        close(fd)
        if family == AF_INET6 { return nil }  // no IPv6 loopback in this sandbox
        throw SocketError(call: "bind", errno: errno)
    }
    if type == Int32(SOCK_STREAM.rawValue), listen(fd, 4) != 0 { throw SocketError(call: "listen", errno: errno) }
    _ = withUnsafeMutablePointer(to: &storage) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    let port = withUnsafeBytes(of: storage) { UInt16($0[2]) << 8 | UInt16($0[3]) }
    return (fd, port)
}

func write(_ text: String, to path: String) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw SocketError(call: "open", errno: errno) }
    defer { close(fd) }
    _ = Array(text.utf8).withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
}

func temporaryDirectory() throws -> String {
    var template = Array("/tmp/herdwatch-sockets-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { throw SocketError(call: "mkdtemp", errno: errno) }
    return String(cString: made)
}

@Suite struct ListeningSocketSnapshotTests {
    @Test func findsThisProcesssSockets() throws {
        var opened: [(transport: String, port: UInt16, address: String)] = []
        var descriptors: [Int32] = []
        defer { for fd in descriptors { close(fd) } }
        for (family, address) in [(AF_INET, "127.0.0.1"), (AF_INET6, "::1")] {
            for (type, transport) in [(Int32(SOCK_STREAM.rawValue), "tcp"), (Int32(SOCK_DGRAM.rawValue), "udp")] {
                guard let (fd, port) = try boundLoopbackSocket(family: family, type: type) else { continue }
                descriptors.append(fd)
                opened.append((transport, port, address))
            }
        }
        // IPv6 loopback is optional (some sandboxes have none); IPv4 is not.
        let hasIPv6 = access("/proc/net/if_inet6", F_OK) == 0
        #expect(opened.count == (hasIPv6 ? 4 : 2))
        let exe = try #require(String(validating: try Syscall.readLink("/proc/self/exe").get(), as: UTF8.self))
        let snapshot = ListeningSocketSnapshot.take()
        #expect(snapshot.unreadableTables == 0)
        for socket in opened {
            let found = snapshot.sockets.first { $0.transport == socket.transport && $0.port == socket.port && $0.exe == exe }
            #expect(found?.addresses == [socket.address], "\(socket)")
            #expect(found?.pids.contains(getpid()) == true, "\(socket)")
        }
        let events = snapshot.events(timestampMilliseconds: 1_700_000_000_000, node: "web-1")
        let mine = events.filter { $0.process.exe == exe && $0.socket?.port == opened[0].port }
        #expect(mine.count == 1)
        #expect(mine.first?.kind == .listen && mine.first?.isListeningSnapshot == true)
        #expect(mine.first?.keys == ["herdwatch-snapshot-\(opened[0].transport)"])
        #expect(mine.first?.socket == AuditSocketAddress(family: "inet", address: "127.0.0.1", port: opened[0].port, proto: opened[0].transport))
    }

    @Test func fakeProcRootWithVanishedAndOddProcesses() throws {
        let root = try temporaryDirectory()
        defer { _ = try? spawn(["/bin/rm", "-rf", root]) }
        mkdir("\(root)/net", 0o755)
        try write(Sample.tcp, to: "\(root)/net/tcp")
        try write(Sample.udp, to: "\(root)/net/udp")
        try write(Sample.tcp6 + "\nnonsense\n", to: "\(root)/net/tcp6")
        // 100: sshd, holding the IPv4 and IPv6 port-22 listeners, and a pipe.
        for pid in ["100", "101", "200", "300"] { mkdir("\(root)/\(pid)", 0o755) }
        mkdir("\(root)/100/fd", 0o755)
        symlink("socket:[18533]", "\(root)/100/fd/3")
        symlink("socket:[18535]", "\(root)/100/fd/4")
        symlink("pipe:[5]", "\(root)/100/fd/5")
        symlink("/usr/sbin/sshd", "\(root)/100/exe")
        try write("sshd\n", to: "\(root)/100/comm")
        // 101: an sshd worker sharing the socket.
        mkdir("\(root)/101/fd", 0o755)
        symlink("socket:[18533]", "\(root)/101/fd/3")
        symlink("/usr/sbin/sshd", "\(root)/101/exe")
        // 200: vanished (no fd directory). 300: holds the DNS socket, exe gone.
        mkdir("\(root)/300/fd", 0o755)
        symlink("socket:[17000]", "\(root)/300/fd/7")
        mkdir("\(root)/self", 0o755)

        let snapshot = ListeningSocketSnapshot.take(procRoot: root)
        #expect(snapshot.unreadableTables == 1)  // udp6
        #expect(snapshot.malformedLines == 1)
        #expect(snapshot.vanishedProcesses == 2)  // 200's fd, 300's exe
        #expect(snapshot.unownedSockets == 3)  // 5432, 631, 8080
        let ssh = snapshot.sockets.first { $0.transport == "tcp" && $0.port == 22 }
        #expect(ssh == ListeningSocket(
            transport: "tcp", port: 22, addresses: ["0.0.0.0", "::"], exe: "/usr/sbin/sshd", comm: "sshd", pids: [100, 101],
            uid: 0, isIPv6: true))
        let dns = snapshot.sockets.first { $0.transport == "udp" && $0.port == 53 }
        #expect(dns?.pids == [300] && dns?.exe == nil && dns?.addresses == ["127.0.0.53"])
        #expect(snapshot.sockets.map(\.port) == [22, 631, 5432, 8080, 53])
        let events = snapshot.events(timestampMilliseconds: 5, node: nil)
        #expect(events.count == 5 && events.allSatisfy { $0.recordTypes == ["SNAPSHOT"] })
        // One snapshot's events share a time, so their serials must differ for the stored event key.
        #expect(Set(events.map(\.serial)).count == events.count)
        #expect(events.map(\.serial).min()! > UInt32.max - 1000)
    }

    @Test func missingProcRoot() {
        let snapshot = ListeningSocketSnapshot.take(procRoot: "/nonexistent/proc")
        #expect(snapshot.sockets.isEmpty && snapshot.unreadableTables == 4)
    }
}

func spawn(_ arguments: [String]) throws {
    let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var child: pid_t = 0
    guard posix_spawn(&child, arguments[0], nil, nil, argv, environ) == 0 else { throw SocketError(call: "spawn", errno: errno) }
    var status: Int32 = 0
    while waitpid(child, &status, 0) < 0 && errno == EINTR {}
}
