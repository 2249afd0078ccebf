/// When something was deleted: the write timestamp of the deletion (µs, client-chosen) and the
/// server's wall-clock second at which it was made. The first decides what the deletion shadows
/// (everything written at or before it); the second decides when the tombstone may be purged
/// (`localDeletionTime + gc_grace_seconds`).
public struct DeletionTime: Hashable, Sendable, CustomStringConvertible {
    public var markedForDeleteAt: Int64
    public var localDeletionTime: Int32

    /// "Not deleted": shadows nothing.
    public static let live = DeletionTime(markedForDeleteAt: .min, localDeletionTime: .max)

    public init(markedForDeleteAt: Int64, localDeletionTime: Int32) {
        self.markedForDeleteAt = markedForDeleteAt
        self.localDeletionTime = localDeletionTime
    }

    public var isLive: Bool { markedForDeleteAt == .min }

    /// A deletion shadows data whose timestamp is at or before it (ties go to the deletion).
    @inlinable public func deletes(_ timestamp: Int64) -> Bool { timestamp <= markedForDeleteAt }

    /// Of two deletions the later timestamp wins; equal timestamps keep the later local time,
    /// so merging is commutative and deterministic.
    public func supersedes(_ other: DeletionTime) -> Bool {
        if markedForDeleteAt != other.markedForDeleteAt { return markedForDeleteAt > other.markedForDeleteAt }
        return localDeletionTime > other.localDeletionTime
    }

    public func merged(with other: DeletionTime) -> DeletionTime { other.supersedes(self) ? other : self }

    public var description: String { isLive ? "live" : "deletedAt(\(markedForDeleteAt), local \(localDeletionTime))" }
}

/// A primary-key liveness marker ("row marker"): written by INSERT so that a row exists even when all
/// its regular columns are null. `timestamp == Int64.min` means "no marker".
public struct LivenessInfo: Hashable, Sendable {
    public var timestamp: Int64
    /// Seconds; 0 when the marker does not expire.
    public var ttl: Int32
    /// Wall-clock second at which an expiring marker dies; `.max` otherwise.
    public var localExpirationTime: Int32

    public static let none = LivenessInfo(timestamp: .min, ttl: 0, localExpirationTime: .max)

    public init(timestamp: Int64, ttl: Int32 = 0, localExpirationTime: Int32 = .max) {
        self.timestamp = timestamp
        self.ttl = ttl
        self.localExpirationTime = localExpirationTime
    }

    public var isEmpty: Bool { timestamp == .min }

    public func isLive(now: Int32) -> Bool { !isEmpty && (ttl == 0 || now < localExpirationTime) }

    /// Same rules as cells: later timestamp; on a tie the expiring marker with the later expiry.
    public func supersedes(_ other: LivenessInfo) -> Bool {
        if timestamp != other.timestamp { return timestamp > other.timestamp }
        if (ttl != 0) != (other.ttl != 0) { return ttl != 0 }
        return localExpirationTime > other.localExpirationTime
    }
}
