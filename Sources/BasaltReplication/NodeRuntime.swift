/// Where a node's concurrent work runs and how it tells time. Production uses the real clock and
/// Swift's global executor; the cluster simulator passes its own clock and a seeded serial executor,
/// so one seed fixes every interleaving of the coordinator's tasks and every timeout.
public struct NodeRuntime: Sendable {
    public var clock: any Clock<Duration>
    /// nil: the global concurrent executor.
    public var executor: (any TaskExecutor)?

    public init(clock: any Clock<Duration> = ContinuousClock(), executor: (any TaskExecutor)? = nil) {
        self.clock = clock
        self.executor = executor
    }

    /// Starts `body` as a new unstructured task on this runtime's executor (an unstructured task
    /// does not inherit the executor of the task that starts it, so every spawn goes through here).
    @discardableResult
    public func spawn(_ body: @escaping @Sendable () async -> Void) -> Task<Void, Never> {
        Task(executorPreference: executor) { await body() }
    }

    public func sleep(for duration: Duration) async throws {
        try await clock.sleep(for: duration)
    }
}
