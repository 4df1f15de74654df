import Foundation
import Synchronization

/// A value made once per process by blocking work (initdb, pg_ctl: posix_spawn and waitpid
/// for seconds, minutes on a loaded machine), run on a thread of its own while every caller
/// awaits it.
///
/// Calling the blocking work from an async test, or waiting for it on a lock, would hold a
/// thread of the cooperative pool, which has one thread per core: with two cores, two tests
/// waiting for the server stop every other test in the process (a log source test then sees
/// its consumer task not run for two minutes). Here callers suspend instead.
public final class StartOnce<Value: Sendable>: Sendable {
    private enum State {
        case idle
        case starting([CheckedContinuation<Value, any Error>])
        case done(Result<Value, any Error>)
    }

    private let state = Mutex(State.idle)
    private let make: @Sendable () throws -> Value

    /// - Parameter make: the blocking work; runs at most once, on a dedicated thread.
    public init(_ make: @escaping @Sendable () throws -> Value) {
        self.make = make
    }

    /// The value, made on first use; callers meanwhile suspend without holding a thread.
    public func value() async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let first = state.withLock { state -> Bool in
                switch state {
                case .done(let result):
                    continuation.resume(with: result)
                    return false
                case .starting(let waiting):
                    state = .starting(waiting + [continuation])
                    return false
                case .idle:
                    state = .starting([continuation])
                    return true
                }
            }
            guard first else { return }
            let make = make
            Thread { [self] in
                let result = Result { try make() }
                let waiting = state.withLock { state -> [CheckedContinuation<Value, any Error>] in
                    guard case .starting(let waiting) = state else { return [] }
                    state = .done(result)
                    return waiting
                }
                for continuation in waiting { continuation.resume(with: result) }
            }.start()
        }
    }
}
