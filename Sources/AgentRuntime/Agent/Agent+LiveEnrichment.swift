import FleetModel
import Redaction
import Synchronization

extension Agent {
    /// What `run` does to every live event before it leaves the host: names for the user and
    /// group ids from this host's user database (never for replayed logs: another host's ids
    /// mean other people), then secret redaction with the host's key from the state directory,
    /// so equal secrets give equal markers across restarts. For the netlink sources, also the
    /// mark on the agent's own audit configuration changes (``ownConfigChangeTransform(agentPID:)``).
    /// - Throws: when the state directory or the key can be neither read nor created.
    public static func liveTransforms(stateDirectory: String, source: AgentConfiguration.Source) throws -> [EventTransform] {
        try makeDirectory(stateDirectory)
        let redactor = SecretRedactor(key: try RedactionKeyFile.loadOrCreate(stateDirectory: stateDirectory))
        let names = SharedUserNames()
        var transforms: [EventTransform] = [
            { event in names.fillNames(of: &event) },
            { event in _ = redactor.redact(&event) },
        ]
        if source == .netlinkUnicast || source == .netlinkMulticast { transforms.append(ownConfigChangeTransform()) }
        return transforms
    }
}

/// `LocalUserNames` behind a lock, for transforms that may run on any thread.
final class SharedUserNames: Sendable {
    private let names = Mutex(LocalUserNames())

    func fillNames(of event: inout AuditEvent) {
        names.withLock { $0.fillNames(of: &event) }
    }
}
