import FleetModel
import Glibc

/// A port something listens on, with the program that holds it (issue 5, point 7).
///
/// One per (transport, port, exe): a daemon listening on `0.0.0.0:22` and `[::]:22` is one
/// value with two addresses, and its worker processes that share the socket are its `pids`.
public struct ListeningSocket: Sendable, Hashable {
    /// `tcp` or `udp`.
    public var transport: String
    public var port: UInt16
    /// Local addresses, sorted (`0.0.0.0`, `::`, `127.0.0.1`…).
    public var addresses: [String]
    /// `readlink /proc/[pid]/exe`; nil when no owning process was found or its exe is unreadable.
    public var exe: String?
    /// `/proc/[pid]/comm` of the lowest pid.
    public var comm: String?
    /// Processes holding the socket, sorted.
    public var pids: [Int32]
    /// Effective uid of the socket's creator (from the socket table).
    public var uid: UInt32
    /// Whether any of its sockets is IPv6.
    public var isIPv6: Bool
}

/// What the agent knows about listening sockets at one moment, read from proc(5).
///
/// Audit rules see `bind`/`listen` only from the moment they are installed: daemons started
/// before the agent would never show as listeners. So at start and periodically the agent reads
/// `/proc/net/{tcp,tcp6,udp,udp6}` and maps each listening socket's inode to the processes that
/// hold it, by the `socket:[INODE]` links of `/proc/[pid]/fd/*` (proc(5)).
///
/// Processes vanish during the scan and some are unreadable without CAP_SYS_PTRACE or root;
/// those are skipped and counted, never fatal.
///
/// ```swift
/// let snapshot = ListeningSocketSnapshot.take()
/// let events = snapshot.events(timestampMilliseconds: now, node: hostname)
/// ```
public struct ListeningSocketSnapshot: Sendable, Hashable {
    public var sockets: [ListeningSocket] = []
    /// Socket tables that could not be read (an IPv6-less kernel has no `tcp6`).
    public var unreadableTables = 0
    /// Table lines that did not parse.
    public var malformedLines = 0
    /// Processes that exited during the scan (`ENOENT`, `ESRCH`).
    public var vanishedProcesses = 0
    /// Processes whose fd table or exe could not be read (`EACCES`, `EPERM`).
    public var unreadableProcesses = 0
    /// Listening sockets held by no process found (another pid namespace, or unreadable).
    public var unownedSockets = 0

    public init() {}

    /// Reads the socket tables and the processes under `procRoot`.
    /// - Parameter procRoot: `/proc`, or a directory laid out like it (tests).
    public static func take(procRoot: String = "/proc") -> ListeningSocketSnapshot {
        var snapshot = ListeningSocketSnapshot()
        var listening: [UInt64: [SocketEntry]] = [:]
        var inodeless: [SocketEntry] = []
        for table in ProcNetProtocol.allCases {
            guard case .success(let bytes) = Syscall.readWholeFile("\(procRoot)/net/\(table.fileName)") else {
                snapshot.unreadableTables += 1
                continue
            }
            let (entries, malformed) = ProcNetParser.parse(bytes, protocol: table)
            snapshot.malformedLines += malformed
            for entry in entries where entry.isListening {
                if entry.inode == 0 { inodeless.append(entry) } else { listening[entry.inode, default: []].append(entry) }
            }
        }
        let owners = listening.isEmpty ? [:] : snapshot.owners(of: Set(listening.keys), procRoot: procRoot)
        var merged: [Key: ListeningSocket] = [:]
        for (inode, entries) in listening {
            let holders = owners[inode] ?? []
            if holders.isEmpty { snapshot.unownedSockets += 1 }
            let byExe = Dictionary(grouping: holders, by: \.exe)
            for entry in entries {
                if byExe.isEmpty { merge(entry, exe: nil, processes: [], into: &merged) }
                for (exe, processes) in byExe { merge(entry, exe: exe, processes: processes, into: &merged) }
            }
        }
        snapshot.unownedSockets += inodeless.count
        for entry in inodeless { merge(entry, exe: nil, processes: [], into: &merged) }
        snapshot.sockets = merged.values.sorted {
            ($0.transport, $0.port, $0.exe ?? "") < ($1.transport, $1.port, $1.exe ?? "")
        }
        return snapshot
    }

    struct Key: Hashable {
        var transport: String
        var port: UInt16
        var exe: String?
    }

    /// A process that holds a listening socket.
    struct Process: Hashable {
        var pid: Int32
        var exe: String?
        var comm: String?
    }

    private static func merge(_ entry: SocketEntry, exe: String?, processes: [Process], into merged: inout [Key: ListeningSocket]) {
        let key = Key(transport: entry.protocol.transport, port: entry.localPort, exe: exe)
        var socket = merged[key] ?? ListeningSocket(
            transport: key.transport, port: key.port, addresses: [], exe: exe, comm: nil, pids: [], uid: entry.uid,
            isIPv6: false)
        if !socket.addresses.contains(entry.localAddress) {
            socket.addresses.append(entry.localAddress)
            socket.addresses.sort()
        }
        socket.isIPv6 = socket.isIPv6 || entry.protocol.isIPv6
        let pids = Set(socket.pids).union(processes.map(\.pid)).sorted()
        socket.pids = pids
        if let first = pids.first { socket.comm = processes.first(where: { $0.pid == first })?.comm ?? socket.comm }
        merged[key] = socket
    }

    /// Maps each inode in `inodes` to the processes whose fd table links to `socket:[INODE]`.
    mutating func owners(of inodes: Set<UInt64>, procRoot: String) -> [UInt64: [Process]] {
        guard case .success(let names) = Syscall.directoryEntries(procRoot) else { return [:] }
        var owners: [UInt64: [Process]] = [:]
        for name in names {
            guard let pid = Int32(name), pid > 0 else { continue }
            let directory = "\(procRoot)/\(name)"
            let descriptors: [String]
            switch Syscall.directoryEntries("\(directory)/fd") {
            case .success(let entries): descriptors = entries
            case .failure(let error):
                count(error)
                continue
            }
            var held: [UInt64] = []
            for fd in descriptors {
                // A descriptor closed since the listing fails with ENOENT: not a socket we want.
                guard case .success(let target) = Syscall.readLink("\(directory)/fd/\(fd)"),
                    let inode = Self.socketInode(target), inodes.contains(inode)
                else { continue }
                held.append(inode)
            }
            guard !held.isEmpty else { continue }
            var process = Process(pid: pid)
            switch Syscall.readLink("\(directory)/exe") {
            case .success(let target): process.exe = AuditText.make(target)
            case .failure(let error): count(error)
            }
            if case .success(let bytes) = Syscall.readWholeFile("\(directory)/comm", limit: 64) {
                process.comm = AuditText.make(bytes.last == UInt8(ascii: "\n") ? bytes.dropLast() : bytes[...])
            }
            for inode in held where !(owners[inode]?.contains(process) ?? false) { owners[inode, default: []].append(process) }
        }
        return owners
    }

    private mutating func count(_ error: Errno) {
        if error.rawValue == ENOENT || error.rawValue == ESRCH { vanishedProcesses += 1 } else { unreadableProcesses += 1 }
    }

    /// The inode of a `socket:[INODE]` link target (proc(5) "/proc/[pid]/fd/").
    static func socketInode(_ target: [UInt8]) -> UInt64? {
        let prefix = Array("socket:[".utf8)
        guard target.count > prefix.count + 1, target.starts(with: prefix), target.last == UInt8(ascii: "]") else { return nil }
        return ProcNetParser.number(target[prefix.count..<(target.count - 1)], radix: 10)
    }
}
