import Logging
import Synchronization

/// Both executables log to standard error at a configured level. swift-log may be bootstrapped
/// only once per process, so later calls are ignored.
public enum LoggingSetup {
    private static let done = Mutex(false)

    public static func bootstrap(level: String) {
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
