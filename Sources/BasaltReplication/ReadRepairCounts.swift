import Synchronization

/// Read repairs this coordinator made: mutations sent to replicas a read found stale, and those
/// that failed or timed out (the read then answered ReadTimeout). Atomics: counted off the lock.
public final class ReadRepairCounts: Sendable {
    private let sentCount = Atomic<Int>(0)
    private let failedCount = Atomic<Int>(0)

    public init() {}

    func sent(_ count: Int) { sentCount.add(count, ordering: .relaxed) }

    func failed(_ count: Int) { failedCount.add(count, ordering: .relaxed) }

    public var sent: Int { sentCount.load(ordering: .relaxed) }
    public var failed: Int { failedCount.load(ordering: .relaxed) }
}
