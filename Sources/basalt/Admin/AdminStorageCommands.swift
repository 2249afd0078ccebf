import ArgumentParser
import BasaltAdmin

struct AdminFlush: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "flush", abstract: "Write memtables to SSTables.")
    @OptionGroup var connection: AdminConnection
    @OptionGroup var selection: TableSelection

    func run() async throws {
        try await connection.show(.post, "/flush", selection.arguments, as: TablesActedOnReport.self, timeout: nil) { $0.text }
    }
}

struct AdminCompact: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "compact", abstract: "Major compaction.")
    @OptionGroup var connection: AdminConnection
    @OptionGroup var selection: TableSelection

    func run() async throws {
        try await connection.show(.post, "/compact", selection.arguments, as: TablesActedOnReport.self, timeout: nil) { $0.text }
    }
}

struct AdminSnapshot: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "snapshot",
                                                    abstract: "Flush, then hard-link the live SSTables under snapshots/<tag>.")
    @OptionGroup var connection: AdminConnection
    @Option(name: [.customShort("t"), .long], help: "The snapshot's name (default: the time in milliseconds).") var tag: String?
    @OptionGroup var selection: TableSelection

    func run() async throws {
        try await connection.show(.post, "/snapshot", [("tag", tag)] + selection.arguments, as: TablesActedOnReport.self,
                                  timeout: nil) { $0.text }
    }
}

struct AdminListSnapshots: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "listsnapshots", abstract: "Every snapshot: name, table, files, size.")
    @OptionGroup var connection: AdminConnection

    func run() async throws {
        try await connection.show(.get, "/listsnapshots", as: SnapshotListReport.self) { $0.text }
    }
}

struct AdminClearSnapshot: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "clearsnapshot",
                                                    abstract: "Remove snapshot <tag>, or every snapshot without --tag.")
    @OptionGroup var connection: AdminConnection
    @Option(name: [.customShort("t"), .long], help: "The snapshot to remove.") var tag: String?
    @Argument(help: "Only this keyspace's snapshots.") var keyspace: String?

    func run() async throws {
        try await connection.show(.post, "/clearsnapshot", [("tag", tag), ("keyspace", keyspace)], as: TablesActedOnReport.self) {
            $0.text
        }
    }
}

struct AdminTableStats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tablestats",
                                                    abstract: "Per table: SSTables, space used, memtable, flushes, compactions.")
    @OptionGroup var connection: AdminConnection
    @OptionGroup var selection: TableSelection

    func run() async throws {
        try await connection.show(.get, "/tablestats", selection.arguments, as: TableStatsReport.self) { $0.text }
    }
}

struct AdminCompactionStats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "compactionstats", abstract: "Compactions pending and done.")
    @OptionGroup var connection: AdminConnection

    func run() async throws {
        try await connection.show(.get, "/compactionstats", as: CompactionStatsReport.self) { $0.text }
    }
}
