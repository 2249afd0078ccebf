/// The smallest unit of data: one column's value in one row (or one element of a collection column),
/// with the timestamp of the write that put it there.
///
/// A cell is one of:
/// - live: `value != nil`, `ttl == 0`, `localDeletionTime == .max`;
/// - expiring: `value != nil`, `ttl > 0`, `localDeletionTime` = the second it expires;
/// - a tombstone: `value == nil`, `localDeletionTime` = the second it was deleted.
public struct Cell: Hashable, Sendable, CustomStringConvertible {
    /// The column's id in its table's schema (ids are never reused, so a dropped column cannot come back).
    public var column: UInt32
    /// For an element of a non-frozen collection: its key (map key, set element, list timeuuid).
    public var path: [UInt8]?
    public var timestamp: Int64
    public var ttl: Int32
    public var localDeletionTime: Int32
    public var value: [UInt8]?

    public static let maximumValueLength = 64 << 20

    public static func live(column: UInt32, path: [UInt8]? = nil, timestamp: Int64, value: [UInt8]) -> Cell {
        Cell(column: column, path: path, timestamp: timestamp, ttl: 0, localDeletionTime: .max, value: value)
    }

    public static func expiring(column: UInt32, path: [UInt8]? = nil, timestamp: Int64, value: [UInt8],
                                ttl: Int32, now: Int32) -> Cell {
        precondition(ttl > 0, "an expiring cell needs a positive ttl")
        let expiry = Int64(now) + Int64(ttl)
        return Cell(column: column, path: path, timestamp: timestamp, ttl: ttl,
                    localDeletionTime: Int32(clamping: expiry), value: value)
    }

    public static func tombstone(column: UInt32, path: [UInt8]? = nil, timestamp: Int64, now: Int32) -> Cell {
        Cell(column: column, path: path, timestamp: timestamp, ttl: 0, localDeletionTime: now, value: nil)
    }

    public init(column: UInt32, path: [UInt8]?, timestamp: Int64, ttl: Int32, localDeletionTime: Int32, value: [UInt8]?) {
        self.column = column
        self.path = path
        self.timestamp = timestamp
        self.ttl = ttl
        self.localDeletionTime = localDeletionTime
        self.value = value
    }

    public var isTombstone: Bool { value == nil }
    public var isExpiring: Bool { value != nil && ttl > 0 }

    /// Live at wall-clock second `now`: has a value and has not expired.
    @inlinable public func isLive(now: Int32) -> Bool { value != nil && (ttl == 0 || now < localDeletionTime) }

    /// Cells order by column, then path (absent path first); at most one cell per (column, path) in a row.
    @inlinable public func sortsBefore(_ other: Cell) -> Bool {
        if column != other.column { return column < other.column }
        switch (path, other.path) {
        case (nil, nil), (_?, nil): return false
        case (nil, _?): return true
        case let (a?, b?): return compareBytes(a, b) < 0
        }
    }

    @inlinable public func sameSlot(as other: Cell) -> Bool { column == other.column && path == other.path }

    /// Last-write-wins with a deterministic tie-break, so replicas that saw the same writes in any
    /// order agree (docs/formats/data-model.md). In order:
    /// 1. the higher timestamp wins;
    /// 2. a tombstone beats a live or expiring cell;
    /// 3. two tombstones: the later `localDeletionTime`;
    /// 4. an expiring cell beats a non-expiring one, and of two expiring cells the later expiry wins;
    /// 5. the greater value, by unsigned bytes.
    public func supersedes(_ other: Cell) -> Bool {
        if timestamp != other.timestamp { return timestamp > other.timestamp }
        if isTombstone != other.isTombstone { return isTombstone }
        if isTombstone { return localDeletionTime > other.localDeletionTime }
        if isExpiring != other.isExpiring { return isExpiring }
        if localDeletionTime != other.localDeletionTime { return localDeletionTime > other.localDeletionTime }
        return compareBytes(value!, other.value!) > 0
    }

    public var description: String {
        let p = path.map { "[\(hexString($0))]" } ?? ""
        if let value { return "c\(column)\(p)=\(hexString(value))@\(timestamp)" + (ttl > 0 ? " ttl \(ttl)" : "") }
        return "c\(column)\(p)=⊥@\(timestamp)"
    }
}
