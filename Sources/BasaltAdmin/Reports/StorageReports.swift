/// The answer of a command that acted on tables (flush, compact, snapshot, clearsnapshot).
public struct TablesActedOnReport: Codable, Hashable, Sendable {
    /// `flushed`, `compacted`, `snapshot taken`, `snapshots cleared`.
    public var action: String
    /// `keyspace.table` of each table acted on.
    public var tables: [String]
    /// The snapshot's name, for snapshot and clearsnapshot.
    public var tag: String?

    public var text: String {
        let subject = tag.map { "\(action) \($0)" } ?? action
        return "\(subject): \(tables.count) table\(tables.count == 1 ? "" : "s")"
            + (tables.isEmpty ? "" : "\n" + tables.map { "  " + $0 }.joined(separator: "\n"))
    }
}

/// `GET /listsnapshots`: every snapshot of every table.
public struct SnapshotListReport: Codable, Hashable, Sendable {
    public struct Snapshot: Codable, Hashable, Sendable {
        public var name: String
        public var keyspace: String
        public var table: String
        public var files: Int
        public var bytes: Int
    }

    public var snapshots: [Snapshot]

    public var text: String {
        guard !snapshots.isEmpty else { return "There are no snapshots" }
        var table = TextTable(header: ["Snapshot name", "Keyspace name", "Column family name", "Files", "Size"])
        for snapshot in snapshots {
            table.rows.append([snapshot.name, snapshot.keyspace, snapshot.table, "\(snapshot.files)", AdminFormat.bytes(snapshot.bytes)])
        }
        return "Snapshot Details:\n" + table.text + "\n\nTotal size: " + AdminFormat.bytes(snapshots.reduce(0) { $0 + $1.bytes })
    }
}

/// `GET /tablestats`: per table, the storage engine's figures.
public struct TableStatsReport: Codable, Hashable, Sendable {
    public struct Table: Codable, Hashable, Sendable {
        public var keyspace: String
        public var table: String
        public var sstables: Int
        /// SSTables per level (leveled compaction; everything is level 0 otherwise).
        public var sstablesPerLevel: [String: Int]
        public var liveBytes: Int
        public var memtableBytes: Int
        public var memtablePartitions: Int
        public var flushingMemtables: Int
        public var pendingCompactions: Int
        public var flushes: Int
        public var bytesFlushed: Int
        public var compactions: Int
        public var bytesCompacted: Int
    }

    public var tables: [Table]

    public var text: String {
        var sections: [String] = []
        for keyspace in Set(tables.map(\.keyspace)).sorted() {
            var lines = ["Keyspace : \(keyspace)"]
            for table in tables where table.keyspace == keyspace {
                let levels = table.sstablesPerLevel.sorted { (Int($0.key) ?? 0) < (Int($1.key) ?? 0) }
                    .map { "L\($0.key)=\($0.value)" }.joined(separator: ", ")
                lines += [
                    "\tTable: \(table.table)",
                    "\tSSTable count: \(table.sstables)" + (levels.isEmpty ? "" : " (\(levels))"),
                    "\tSpace used (live): \(AdminFormat.bytes(table.liveBytes))",
                    "\tMemtable data size: \(AdminFormat.bytes(table.memtableBytes))",
                    "\tMemtable partitions: \(table.memtablePartitions)",
                    "\tMemtables flushing: \(table.flushingMemtables)",
                    "\tPending compactions: \(table.pendingCompactions)",
                    "\tFlushes: \(table.flushes) (\(AdminFormat.bytes(table.bytesFlushed)))",
                    "\tCompactions: \(table.compactions) (\(AdminFormat.bytes(table.bytesCompacted)) written)",
                    "",
                ]
            }
            sections.append(lines.joined(separator: "\n"))
        }
        return sections.joined(separator: "\n").trimmingTrailingNewlines
    }
}

/// `GET /compactionstats`: compactions waiting, per table, and what compaction has written.
public struct CompactionStatsReport: Codable, Hashable, Sendable {
    public struct Table: Codable, Hashable, Sendable {
        public var keyspace: String
        public var table: String
        public var pending: Int
        public var compactions: Int
        public var bytesRead: Int
        public var bytesWritten: Int
    }

    public var pendingTasks: Int
    public var tables: [Table]

    public var text: String {
        var table = TextTable(header: ["keyspace", "table", "pending", "completed", "read", "written"])
        for row in tables {
            table.rows.append([row.keyspace, row.table, "\(row.pending)", "\(row.compactions)", AdminFormat.bytes(row.bytesRead),
                               AdminFormat.bytes(row.bytesWritten)])
        }
        return "pending tasks: \(pendingTasks)" + (tables.isEmpty ? "" : "\n" + table.text)
    }
}

extension String {
    var trimmingTrailingNewlines: String {
        var text = self
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
