import BasaltCQLProtocol

extension BasaltClient {
    /// Runs `body` on event-loop thread `index` (modulo their number) of the client: requests it
    /// sends use that loop's connection when the host has one, so sending, the answer and the
    /// caller's resumption all happen on one thread, with no hand-off between threads.
    ///
    /// For tight request loops such as load generators, which spread their workers over the
    /// loops; ordinary callers need not care. `body` must not block the thread, and must finish
    /// before `close()`, which stops the loops it runs on.
    public func withEventLoopAffinity<T: Sendable>(
        _ index: Int, _ body: @Sendable () async throws -> T
    ) async rethrows -> T {
        try await withTaskExecutorPreference(executors[index % executors.count], operation: body)
    }
}
