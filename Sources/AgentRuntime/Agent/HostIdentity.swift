import Glibc

/// Who this host says it is when it writes: hostname (gethostname(2)), machine id
/// (machine-id(5)) and the current boot (`/proc/sys/kernel/random/boot_id`, random(4)).
/// The agent never states its role: the service assigns roles by hostname pattern.
public struct HostIdentity: Sendable, Hashable {
    public var hostname: String
    public var machineID: String?
    /// Nil when unknown; replayed events never carry one.
    public var bootID: String?

    public init(hostname: String, machineID: String?, bootID: String?) {
        self.hostname = hostname
        self.machineID = machineID
        self.bootID = bootID
    }

    /// This machine's identity.
    public static func current(machineIDPath: String = "/etc/machine-id", bootIDPath: String = "/proc/sys/kernel/random/boot_id") -> HostIdentity {
        HostIdentity(hostname: hostName(), machineID: FileBytes.firstLine(machineIDPath), bootID: FileBytes.firstLine(bootIDPath))
    }

    /// gethostname(2); "localhost" when it fails.
    public static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }
}
