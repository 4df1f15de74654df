/// Hostname helpers shared by the agent, the service and the simulator.
public enum HostName {
    /// The lower-case short hostname (up to the first dot) that role patterns match against.
    public static func short(_ name: String) -> String {
        let lower = name.lowercased()
        guard let dot = lower.firstIndex(of: ".") else { return lower }
        return String(lower[..<dot])
    }
}

extension HostName {
    /// Lower-cases `name` and checks it is a plausible hostname (`[a-z0-9][a-z0-9._-]{0,252}`),
    /// the same rule the database enforces.
    /// - Throws: `FleetModelError.invalidHostName`.
    public static func normalized(_ name: String) throws(FleetModelError) -> String {
        let lower = name.lowercased()
        let bytes = Array(lower.utf8)
        func allowed(_ byte: UInt8, first: Bool) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || (!first && (byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")))
        }
        guard (1...253).contains(bytes.count), allowed(bytes[0], first: true),
            bytes.dropFirst().allSatisfy({ allowed($0, first: false) })
        else {
            throw .invalidHostName(name)
        }
        return lower
    }
}
