import CLibPQ
#if canImport(Glibc)
import Glibc
#endif

/// A message delivered by `NOTIFY channel, 'payload'` to a session that ran `LISTEN channel`.
public struct Notification: Sendable, Hashable {
    public let channel: String
    public let payload: String
    /// The backend process that sent it.
    public let senderPID: Int32
}

extension Session {
    /// Subscribes this session to `channel` (the name is quoted, so any text is safe).
    public func listen(_ channel: String) throws(PostgresError) {
        try execute("LISTEN \(try quoteIdentifier(channel))")
    }

    public func unlisten(_ channel: String) throws(PostgresError) {
        try execute("UNLISTEN \(try quoteIdentifier(channel))")
    }

    /// Sends a notification with `pg_notify`, payload bound as a parameter.
    public func notify(_ channel: String, payload: String = "") throws(PostgresError) {
        try query("SELECT pg_notify($1, $2)", [.text(channel), .text(payload)])
    }

    /// Returns the notifications that have arrived, waiting up to `timeout` for the first one.
    /// An empty array means the timeout passed with nothing received.
    public func waitForNotifications(timeout: Duration) throws(PostgresError) -> [Notification] {
        var received = try consumeNotifications()
        if !received.isEmpty { return received }
        var pollDescriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(clamping: timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        let ready = poll(&pollDescriptor, 1, milliseconds)
        if ready < 0 && errno != EINTR {
            throw PostgresError(.connectionLost, message: "poll on the connection failed (errno \(errno))")
        }
        received = try consumeNotifications()
        return received
    }

    private func consumeNotifications() throws(PostgresError) -> [Notification] {
        guard PQconsumeInput(handle) == 1 else { throw lastError(query: nil) }
        var notifications: [Notification] = []
        while let pointer = PQnotifies(handle) {
            let notify = pointer.pointee
            notifications.append(
                Notification(
                    channel: String(cString: notify.relname),
                    payload: String(cString: notify.extra),
                    senderPID: notify.be_pid))
            PQfreemem(pointer)
        }
        return notifications
    }
}
