import Glibc

/// A dedicated POSIX thread for one blocking loop, so blocking `recv` never occupies the
/// Swift concurrency cooperative pool (STYLE.md §5). pthread_create(3), pthread_join(3).
struct ReaderThread: Sendable {
    private let handle: pthread_t

    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// Starts `body` on a new thread.
    /// - Returns: the thread, or the errno pthread_create returned.
    static func start(_ body: @escaping @Sendable () -> Void) -> Result<ReaderThread, Errno> {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var handle = pthread_t()
        let result = pthread_create(&handle, nil, { context in
            let body = Unmanaged<Body>.fromOpaque(context!).takeRetainedValue()
            body.run()
            return nil
        }, context)
        guard result == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            return .failure(Errno(result))
        }
        return .success(ReaderThread(handle: handle))
    }

    /// Waits for the thread to return.
    func join() {
        _ = pthread_join(handle, nil)
    }
}
