/// Gathers the rows of a GROUP BY query into groups as they stream in (in primary key order),
/// applying PER PARTITION LIMIT and LIMIT to groups, not rows, and ending a page only between two
/// groups, so that no group's aggregate is split over pages.
struct GroupCollector {
    let grouping: Grouping
    let pageSize: Int64
    let limit: Int64
    let perPartitionLimit: Int64
    private(set) var groups: [[LogicalRow]] = []
    /// Where the next page resumes: after the last row of the last whole group, once a page is full.
    private(set) var pagingState: PagingState?
    private var current: Grouping.GroupKey?
    /// The current group is past PER PARTITION LIMIT: its rows are read and dropped.
    private var skipping = false
    private var partition: [UInt8]?
    private var groupsInPartition: Int64
    private var groupsReturned: Int64

    init(grouping: Grouping, pageSize: Int64, limit: Int64, perPartitionLimit: Int64, resume: PagingState?) {
        self.grouping = grouping
        self.pageSize = pageSize
        self.limit = limit
        self.perPartitionLimit = perPartitionLimit
        partition = resume?.partitionKey
        groupsInPartition = resume?.partitionRowsReturned ?? 0
        groupsReturned = resume?.rowsReturned ?? 0
    }

    /// Takes the next row; returns false when no more rows are wanted (LIMIT reached or page full).
    mutating func add(_ row: LogicalRow) -> Bool {
        let key = grouping.key(row)
        if key == current {
            if !skipping { groups[groups.count - 1].append(row) }
            return true
        }
        let samePartition = key.partition == partition
        if samePartition && groupsInPartition >= perPartitionLimit {
            current = key
            skipping = true
            return true
        }
        // A new group starts: the previous one is whole, so this is where LIMIT and pages end.
        if groupsReturned >= limit { return false }
        if Int64(groups.count) == pageSize, let last = groups.last?.last {
            pagingState = PagingState(partitionKey: last.partitionKey, clustering: last.clustering,
                                      rowsReturned: groupsReturned, partitionRowsReturned: groupsInPartition)
            return false
        }
        if !samePartition {
            partition = key.partition
            groupsInPartition = 0
        }
        current = key
        skipping = false
        groups.append([row])
        groupsInPartition += 1
        groupsReturned += 1
        return true
    }
}
