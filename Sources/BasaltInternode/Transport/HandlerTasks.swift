import Synchronization

/// Every verb-handler task still running, so that `shutdown` can cancel them and wait for them
/// before it stops the event loops they run on. A task that resumed on a stopped loop would never
/// run again (and NIO would print an error for each of its jobs).
final class HandlerTasks: Sendable {
    private struct Contents {
        var nextID: UInt64 = 0
        var tasks: [UInt64: Task<Void, Never>] = [:]
    }

    private let contents = Mutex(Contents())

    func makeID() -> UInt64 {
        contents.withLock { contents in
            contents.nextID += 1
            return contents.nextID
        }
    }

    func insert(_ task: Task<Void, Never>, id: UInt64) {
        contents.withLock { $0.tasks[id] = task }
    }

    func remove(_ id: UInt64) {
        _ = contents.withLock { $0.tasks.removeValue(forKey: id) }
    }

    func cancel(_ id: UInt64) {
        contents.withLock { $0.tasks[id] }?.cancel()
    }

    /// Cancels every running handler and waits until all have finished, or until `limit` has
    /// passed for handlers that ignore cancellation.
    func cancelAllAndWait(upTo limit: Duration) async {
        let tasks = contents.withLock { Array($0.tasks.values) }
        for task in tasks { task.cancel() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for task in tasks { await task.value }
            }
            group.addTask {
                try? await Task.sleep(for: limit)
            }
            await group.next()
            group.cancelAll()
        }
    }
}
