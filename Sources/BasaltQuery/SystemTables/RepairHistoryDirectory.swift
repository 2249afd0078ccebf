import Foundation

/// One table's part in one repair run by this node, as `system_distributed.repair_history` lists it.
public struct RepairHistoryEntry: Sendable, Hashable {
    public var id: UUID
    public var keyspace: String
    public var table: String
    public var coordinator: String
    public var startedAt: Date
    public var finishedAt: Date
    /// `SUCCESS`, or `FAILED` when some range could not be repaired (`exceptionMessage` says which).
    public var status: String
    public var exceptionMessage: String?
    public var rangesCompared: Int
    public var rangesDiffered: Int
    public var partitionsStreamed: Int
    public var bytesStreamed: Int

    public init(id: UUID, keyspace: String, table: String, coordinator: String, startedAt: Date, finishedAt: Date,
                status: String, exceptionMessage: String?, rangesCompared: Int, rangesDiffered: Int, partitionsStreamed: Int,
                bytesStreamed: Int) {
        self.id = id
        self.keyspace = keyspace
        self.table = table
        self.coordinator = coordinator
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.status = status
        self.exceptionMessage = exceptionMessage
        self.rangesCompared = rangesCompared
        self.rangesDiffered = rangesDiffered
        self.partitionsStreamed = partitionsStreamed
        self.bytesStreamed = bytesStreamed
    }
}

/// The repairs this node has run, from the cluster layer (which the query layer must not depend
/// on). Without one, the repair history table is empty.
public protocol RepairHistoryDirectory: Sendable {
    var repairHistory: [RepairHistoryEntry] { get }
}
