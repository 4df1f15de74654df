import Logging
import Synchronization

/// swift-log may be bootstrapped only once per process.
enum AgentLogging {
    private static let done = Mutex(false)

    static func bootstrap(level: String) {
        let first = done.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        let level = Logger.Level(rawValue: level) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
