/// Hostname helpers shared by the agent, the service and the simulator.
public enum HostName {
    /// The lower-case short hostname (up to the first dot) that role patterns match against.
    public static func short(_ name: String) -> String {
        let lower = name.lowercased()
        guard let dot = lower.firstIndex(of: ".") else { return lower }
        return String(lower[..<dot])
    }
}
