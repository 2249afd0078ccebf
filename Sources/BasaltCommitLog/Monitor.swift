import Glibc

/// A pthread mutex with condition variables on the monotonic clock.
///
/// `Synchronization.Mutex` has no condition variables, and the log needs two tied to its one lock: the
/// sync thread sleeps on one until there is work, blocked writers sleep on the other until their
/// record is durable. Heap-allocated because pthread objects must not move.
final class Monitor: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        let status = pthread_mutex_init(mutex, nil)
        precondition(status == 0, "pthread_mutex_init failed: \(status)")
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    @inline(__always) func lock() {
        let status = pthread_mutex_lock(mutex)
        assert(status == 0, "pthread_mutex_lock failed: \(status)")
    }

    @inline(__always) func unlock() {
        let status = pthread_mutex_unlock(mutex)
        assert(status == 0, "pthread_mutex_unlock failed: \(status)")
    }

    /// A condition variable to be used only with this monitor's mutex.
    final class Condition: @unchecked Sendable {
        private let condition: UnsafeMutablePointer<pthread_cond_t>
        private unowned let monitor: Monitor

        init(_ monitor: Monitor) {
            self.monitor = monitor
            condition = .allocate(capacity: 1)
            condition.initialize(to: pthread_cond_t())
            var attributes = pthread_condattr_t()
            pthread_condattr_init(&attributes)
            // Timed waits use the monotonic clock so that a wall-clock jump cannot stall a sync window.
            pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
            let status = pthread_cond_init(condition, &attributes)
            pthread_condattr_destroy(&attributes)
            precondition(status == 0, "pthread_cond_init failed: \(status)")
        }

        deinit {
            pthread_cond_destroy(condition)
            condition.deallocate()
        }

        /// Releases the lock (held by the caller), sleeps until signalled, and re-acquires it.
        /// Wake-ups can be spurious: callers re-check their predicate in a loop.
        func wait() { pthread_cond_wait(condition, monitor.mutex) }

        /// As `wait`, but returns by `deadline` (nanoseconds of `monotonicNanoseconds()`) at the latest.
        func wait(until deadline: UInt64) {
            var time = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
            pthread_cond_timedwait(condition, monitor.mutex, &time)
        }

        func signal() { pthread_cond_signal(condition) }
        func broadcast() { pthread_cond_broadcast(condition) }
    }
}

/// Nanoseconds on the monotonic clock, the time base of `Monitor.Condition.wait(until:)`.
@inline(__always)
func monotonicNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}
