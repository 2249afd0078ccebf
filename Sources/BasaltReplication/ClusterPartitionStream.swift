import BasaltCoordination
import BasaltCore
import BasaltQuery
import BasaltStorage

/// A scan across the cluster: walks the ring's ranges in token order, reading each from enough of
/// its replicas for the consistency level, a batch of partitions at a time, so a page stops
/// reading as soon as it is full.
final class ClusterPartitionStream: PartitionStream {
    private let proxy: ClusterStorageProxy
    private let table: TableSchema
    private let requirement: ConsistencyRequirement
    private let ranges: [ScanRange]
    private let endToken: Int64?
    private var rangeIndex = 0
    /// Where the scan continues: the last partition returned (exclusive) or the query's start.
    private var cursor: PartitionKey?
    private var cursorInclusive: Bool
    private var buffer: [ResolvedPartition] = []
    private var bufferIndex = 0

    init(proxy: ClusterStorageProxy, table: TableSchema, requirement: ConsistencyRequirement, ranges: [ScanRange],
         start: PartitionKey?, inclusive: Bool, endToken: Int64?) {
        self.proxy = proxy
        self.table = table
        self.requirement = requirement
        self.ranges = ranges
        self.endToken = endToken
        cursor = start
        cursorInclusive = inclusive
    }

    func next() async throws -> ResolvedPartition? {
        while bufferIndex == buffer.count {
            guard rangeIndex < ranges.count else { return nil }
            try await fetch()
        }
        defer { bufferIndex += 1 }
        return buffer[bufferIndex]
    }

    private func fetch() async throws {
        let range = ranges[rangeIndex]
        // Start at the cursor if it lies inside this range, else just after the range's start token
        // (a keyless key with token start+1 sorts before every real key of that token).
        var start = cursor
        var inclusive = cursorInclusive
        if let rangeStart = range.start, (cursor?.token ?? .min) <= rangeStart {
            start = PartitionKey(token: rangeStart + 1, bytes: [])
            inclusive = true
        }
        let end: Int64? = switch (range.end, endToken) {
        case let (a?, b?): min(a, b)
        case let (a, b): a ?? b
        }
        let command = RangeReadCommand(table: table.id, start: start, inclusive: inclusive, endToken: end,
                                       limit: ClusterStorageProxy.rangeBatch)
        let (partitions, resume) = try await proxy.readRange(command, range: range, requirement: requirement)
        buffer = partitions
        bufferIndex = 0
        if let resume {
            cursor = resume
            cursorInclusive = false
        } else {
            rangeIndex += 1
            if let last = partitions.last {
                cursor = last.key
                cursorInclusive = false
            }
        }
    }
}
