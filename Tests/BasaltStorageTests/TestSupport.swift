import BasaltCore
import Foundation
import Synchronization


/// A test clock the test moves by hand (microseconds since the epoch).
final class ManualClock: Sendable {
    private let now = Atomic<Int64>(1_700_000_000_000_000)
    var microseconds: Int64 { now.load(ordering: .relaxed) }
    var seconds: Int32 { Int32(microseconds / 1_000_000) }
    func advance(seconds: Int64) { now.add(seconds * 1_000_000, ordering: .relaxed) }
    var function: @Sendable () -> Int64 { { [self] in microseconds } }
}

/// A fresh directory under /tmp, removed when the test calls `remove()`.
struct TemporaryDirectory {
    let path: String
    init(_ label: String) {
        path = NSTemporaryDirectory() + "basalt-\(label)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A counter threads can bump (for failures seen inside concurrent loops).
final class ManagedAtomicCounter: Sendable {
    private let count = Atomic<Int>(0)
    func increment() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}
