import NIOCore
import Synchronization

/// A server's open connections, so that shutdown can find and drain them. Once draining began, a
/// connection that is still being accepted learns it from `add` and drains at once, so none slips
/// past a shutdown.
public final class DrainableChannelSet: Sendable {
    private struct Contents {
        var channels: [ObjectIdentifier: any Channel] = [:]
        var draining = false
    }

    private let contents = Mutex(Contents())

    public init() {}

    /// Registers an active connection; false if shutdown has begun (drain it now).
    public func add(_ channel: any Channel) -> Bool {
        contents.withLock { contents in
            contents.channels[ObjectIdentifier(channel)] = channel
            return !contents.draining
        }
    }

    public func remove(_ channel: any Channel) {
        _ = contents.withLock { $0.channels.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// The connections open now.
    public var channels: [any Channel] { contents.withLock { Array($0.channels.values) } }

    public var count: Int { contents.withLock { $0.channels.count } }

    /// Marks shutdown and returns the connections open now, for the caller to drain.
    public func beginDraining() -> [any Channel] {
        contents.withLock { contents in
            contents.draining = true
            return Array(contents.channels.values)
        }
    }
}
