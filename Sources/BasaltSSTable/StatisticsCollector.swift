import BasaltCore

/// Accumulates `SSTableMetadata`'s content statistics over the partitions a writer appends, in one
/// pass over each partition's facts.
struct StatisticsCollector {
    var partitionCount = 0
    var rowCount = 0
    var minTimestamp = Int64.max
    var maxTimestamp = Int64.min
    var maxLocalDeletionTime = Int32.min
    var containsNonExpiringData = false
    var tombstones = SSTableMetadata.TombstoneCounts()

    mutating func add(_ partition: PartitionUpdate) {
        partitionCount += 1
        rowCount += partition.rows.count
        if !partition.partitionDeletion.isLive {
            tombstones.partition += 1
            note(partition.partitionDeletion)
        }
        for rt in partition.rangeTombstones {
            tombstones.range += 1
            note(rt.deletion)
        }
        if let s = partition.staticRow { add(s) }
        for row in partition.rows { add(row) }
    }

    private mutating func add(_ row: Row) {
        if !row.liveness.isEmpty {
            timestamp(row.liveness.timestamp)
            if row.liveness.ttl > 0 {
                maxLocalDeletionTime = max(maxLocalDeletionTime, row.liveness.localExpirationTime)
            } else {
                containsNonExpiringData = true
            }
        }
        if !row.deletion.isLive {
            tombstones.row += 1
            note(row.deletion)
        }
        for d in row.complexDeletions where !d.deletion.isLive {
            tombstones.complex += 1
            note(d.deletion)
        }
        for cell in row.cells {
            timestamp(cell.timestamp)
            if cell.isTombstone {
                tombstones.cell += 1
                maxLocalDeletionTime = max(maxLocalDeletionTime, cell.localDeletionTime)
            } else if cell.ttl > 0 {
                maxLocalDeletionTime = max(maxLocalDeletionTime, cell.localDeletionTime)
            } else {
                containsNonExpiringData = true
            }
        }
    }

    private mutating func note(_ deletion: DeletionTime) {
        timestamp(deletion.markedForDeleteAt)
        maxLocalDeletionTime = max(maxLocalDeletionTime, deletion.localDeletionTime)
    }

    private mutating func timestamp(_ t: Int64) {
        if t < minTimestamp { minTimestamp = t }
        if t > maxTimestamp { maxTimestamp = t }
    }
}
