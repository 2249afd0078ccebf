import BasaltQuery
import BasaltStorage
import Foundation

/// The storage engine's maintenance and figures: flush, compact, snapshots, tablestats,
/// compactionstats. `?keyspace=` and `?table=` narrow what a command acts on.
enum StorageCommands {
    static func routes(_ node: AdminNode) -> [AdminRoute] {
        [
            AdminRoute(.post, "/flush", "write memtables to SSTables (?keyspace=&table=)") { request in
                let tables = try storage(node, request)
                try await AdminNode.blocking { for (_, table) in tables { try node.engine.flush(table) } }
                return try .json(TablesActedOnReport(action: "flushed", tables: tables.map(\.0)))
            },
            AdminRoute(.post, "/compact", "major compaction (?keyspace=&table=)") { request in
                let tables = try storage(node, request)
                try await AdminNode.blocking { for (_, table) in tables { try node.engine.compactMajor(table) } }
                return try .json(TablesActedOnReport(action: "compacted", tables: tables.map(\.0)))
            },
            AdminRoute(.post, "/snapshot", "hard-link the live SSTables under snapshots/<tag> (?tag=&keyspace=&table=)") { request in
                let tag = try snapshotName(request.argument("tag") ?? defaultTag())
                let tables = try storage(node, request)
                if tables.contains(where: { $0.1.snapshots.contains { $0.name == tag } }) {
                    throw AdminError.conflict("snapshot \(tag) already exists")
                }
                // Flushed first, as nodetool snapshot does, so the snapshot holds every write made before it.
                try await AdminNode.blocking {
                    for (_, table) in tables {
                        try node.engine.flush(table)
                        try table.snapshot(named: tag)
                    }
                }
                return try .json(TablesActedOnReport(action: "snapshot taken", tables: tables.map(\.0), tag: tag))
            },
            AdminRoute(.get, "/listsnapshots", "every snapshot: name, table, files, size") { _ in
                let snapshots = try storage(node, AdminRequest(method: "GET", path: "/listsnapshots")).flatMap { name, table in
                    table.snapshots.map { snapshot in
                        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
                        return SnapshotListReport.Snapshot(name: snapshot.name, keyspace: parts[0], table: parts[1],
                                                           files: snapshot.files, bytes: snapshot.bytes)
                    }
                }
                return try .json(SnapshotListReport(snapshots: snapshots))
            },
            AdminRoute(.post, "/clearsnapshot", "remove snapshot <tag>, or every snapshot without ?tag= (?keyspace=)") { request in
                let tag = try request.argument("tag").map(snapshotName)
                let cleared = try storage(node, request).filter { $0.1.clearSnapshots(named: tag) > 0 }
                return try .json(TablesActedOnReport(action: "snapshots cleared", tables: cleared.map(\.0), tag: tag))
            },
            AdminRoute(.get, "/tablestats", "per table: SSTables, space used, memtable, flushes, compactions (?keyspace=&table=)") {
                request in
                let tables = try storage(node, request).map { name, table in
                    let statistics = table.statistics
                    let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
                    return TableStatsReport.Table(
                        keyspace: parts[0], table: parts[1], sstables: statistics.sstableCount,
                        sstablesPerLevel: Dictionary(uniqueKeysWithValues: statistics.sstablesPerLevel.map { ("\($0.key)", $0.value) }),
                        liveBytes: statistics.liveBytes, memtableBytes: statistics.memtableBytes,
                        memtablePartitions: statistics.memtablePartitions, flushingMemtables: statistics.flushingMemtables,
                        pendingCompactions: statistics.pendingCompactions, flushes: statistics.flushes,
                        bytesFlushed: statistics.bytesFlushed, compactions: statistics.compactions,
                        bytesCompacted: statistics.bytesCompacted)
                }
                return try .json(TableStatsReport(tables: tables))
            },
            AdminRoute(.get, "/compactionstats", "compactions pending per table, and what compaction has read and written") { _ in
                let tables = try storage(node, AdminRequest(method: "GET", path: "/compactionstats")).map { name, table in
                    let statistics = table.statistics
                    let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
                    return CompactionStatsReport.Table(keyspace: parts[0], table: parts[1], pending: statistics.pendingCompactions,
                                                       compactions: statistics.compactions,
                                                       bytesRead: statistics.bytesReadByCompaction,
                                                       bytesWritten: statistics.bytesCompacted)
                }
                return try .json(CompactionStatsReport(pendingTasks: tables.reduce(0) { $0 + $1.pending }, tables: tables))
            },
        ]
    }

    /// The tables named by the request that have storage on this node, as `keyspace.table`.
    /// Generated system tables (system.local, peers...) have none and are skipped.
    static func storage(_ node: AdminNode, _ request: AdminRequest) throws -> [(String, Table)] {
        try node.tables(request).compactMap { schema in
            node.engine.table(schema.id).map { ("\(schema.keyspace).\(schema.name)", $0) }
        }
    }

    /// A snapshot name becomes a directory name: plain characters only, so that `../x` cannot
    /// reach outside the table's snapshot directory.
    static func snapshotName(_ name: String) throws -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        guard !name.isEmpty, name.count <= 128, name.allSatisfy(allowed.contains), !name.hasPrefix(".") else {
            throw AdminError.badRequest("snapshot name \(name.debugDescription): use 1-128 letters, digits, '-', '_' or '.', not starting with '.'")
        }
        return name
    }

    /// Cassandra names an unnamed snapshot by the time it was taken, in milliseconds.
    static func defaultTag() -> String {
        "\(Int64(Date().timeIntervalSince1970 * 1000))"
    }
}
