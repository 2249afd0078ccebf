import BasaltCQLProtocol
import BasaltStorage
import Foundation

/// Rows of the read-only system tables, generated from the catalog and `NodeIdentity` on every
/// query: `system.local` (exactly one row), `peers`/`peers_v2` from the `PeerDirectory` (none on a
/// single node; never the local node, which drivers would reject as a duplicate), the
/// `system_schema` tables describing user and system keyspaces alike (cqlsh needs both, notes §0.5),
/// `system_virtual_schema` describing the virtual keyspaces, and the clients of `ClientDirectory`.
struct SystemTableRows {
    let processor: QueryProcessor

    func rows(of table: TableSchema) throws -> [LogicalRow] {
        let named: [[String: CQLValue]] = switch (table.keyspace, table.name) {
        case ("system", "local"): [local()]
        case ("system", "peers"): peers(v2: false)
        case ("system", "peers_v2"): peers(v2: true)
        case ("system_schema", "keyspaces"): keyspaces()
        case ("system_schema", "tables"): tables()
        case ("system_schema", "columns"): columns(of: allTables)
        case ("system_schema", "dropped_columns"): droppedColumns()
        case ("system_views", "clients"), ("system", "clients"): clients()
        case ("system_views", "settings"): NodeStateRows.settings(processor.observability)
        case ("system_views", "statement_stats"): NodeStateRows.statementStatistics(processor.observability)
        case ("system_views", "slow_queries"): NodeStateRows.slowQueries(processor.observability)
        case ("system_views", "disk_usage"): NodeStateRows.diskUsage(storage)
        case ("system_views", "caches"): NodeStateRows.caches(processor.engine)
        case ("system_views", "local_read_latency"): NodeStateRows.latencies(storage, \.localReadLatency)
        case ("system_views", "local_write_latency"): NodeStateRows.latencies(storage, \.localWriteLatency)
        case ("system_distributed", "repair_history"): repairHistory()
        case ("system_virtual_schema", "keyspaces"): SystemSchemaDefinitions.virtualKeyspaces.map { ["keyspace_name": .text($0.name)] }
        case ("system_virtual_schema", "tables"):
            virtualTables.map { ["keyspace_name": .text($0.keyspace), "table_name": .text($0.name), "comment": .text($0.options.comment)] }
        case ("system_virtual_schema", "columns"): columns(of: virtualTables)
        default: []
        }
        let decoder = RowDecoder(table: table, now: 0)
        return named.map { values in
            var row = decoder.emptyRow(key: [])
            for (index, column) in table.columns.enumerated() { row.values[index] = values[column.name] ?? .null }
            return row
        }
    }

    private var catalog: SchemaCatalog { processor.catalog }

    /// Every table with storage on this node, as (schema, table).
    private var storage: [(TableSchema, Table)] {
        allTables.sorted { ($0.keyspace, $0.name) < ($1.keyspace, $1.name) }.compactMap { schema in
            processor.engine.table(schema.id).map { (schema, $0) }
        }
    }

    private func local() -> [String: CQLValue] {
        let node = processor.node
        let address = CQLInet(node.rpcAddress).map(CQLValue.inet) ?? .null
        return [
            "key": .text("local"), "bootstrapped": .text("COMPLETED"), "broadcast_address": CQLInet(node.listenAddress).map(CQLValue.inet) ?? .null,
            "broadcast_port": .int(7000), "cluster_name": .text(node.clusterName), "cql_version": .text(node.cqlVersion),
            "data_center": .text(node.dataCenter), "gossip_generation": .int(0), "host_id": .uuid(CQLUUID(node.hostID)),
            "listen_address": CQLInet(node.listenAddress).map(CQLValue.inet) ?? .null, "listen_port": .int(7000),
            "native_protocol_version": .text("4"), "partitioner": .text(node.partitioner), "rack": .text(node.rack),
            "release_version": .text(node.releaseVersion), "rpc_address": address, "rpc_port": .int(node.nativePort),
            "schema_version": .uuid(CQLUUID(catalog.schemaVersion)),
            "tokens": .set(node.tokens.sorted().map { .text(String($0)) }),
        ]
    }

    private func peers(v2: Bool) -> [[String: CQLValue]] {
        (processor.peers?.peers ?? []).map { peer in
            var row: [String: CQLValue] = [
                "peer": CQLInet(peer.address).map(CQLValue.inet) ?? .null, "data_center": .text(peer.dataCenter),
                "host_id": .uuid(CQLUUID(peer.hostID)), "rack": .text(peer.rack), "release_version": .text(peer.releaseVersion),
                "schema_version": peer.schemaVersion.map { .uuid(CQLUUID($0)) } ?? .null,
                "tokens": .set(peer.tokens.sorted().map { .text(String($0)) }),
            ]
            let native = CQLInet(peer.nativeAddress).map(CQLValue.inet) ?? .null
            if v2 {
                row["peer_port"] = .int(peer.port)
                row["native_address"] = native
                row["native_port"] = .int(peer.nativePort)
            } else {
                row["rpc_address"] = native
            }
            return row
        }
    }

    static func textMap(_ map: [String: String]) -> CQLValue {
        .map(map.sorted { $0.key < $1.key }.map { CQLMapEntry(key: .text($0.key), value: .text($0.value)) })
    }

    private func keyspaces() -> [[String: CQLValue]] {
        catalog.allKeyspaces.map {
            ["keyspace_name": .text($0.name), "durable_writes": .boolean($0.durableWrites), "replication": Self.textMap($0.replication)]
        }
    }

    private var allTables: [TableSchema] { catalog.allKeyspaces.flatMap { catalog.tables(in: $0.name) } }

    private func tables() -> [[String: CQLValue]] {
        allTables.map { table in
            let o = table.options
            return [
                "keyspace_name": .text(table.keyspace), "table_name": .text(table.name),
                "additional_write_policy": .text("99p"), "bloom_filter_fp_chance": .double(o.bloomFilterFpChance),
                "caching": Self.textMap(o.caching), "cdc": .boolean(false), "comment": .text(o.comment),
                "compaction": Self.textMap(o.compaction), "compression": Self.textMap(o.compression),
                "crc_check_chance": .double(1), "default_time_to_live": .int(o.defaultTimeToLive),
                "extensions": .map([]), "flags": .set([.text("compound")]), "gc_grace_seconds": .int(o.gcGraceSeconds),
                "id": .uuid(CQLUUID(table.id)), "max_index_interval": .int(2048), "memtable_flush_period_in_ms": .int(0),
                "min_index_interval": .int(128), "read_repair": .text("BLOCKING"), "speculative_retry": .text(o.speculativeRetry),
            ]
        }
    }

    private var virtualTables: [TableSchema] { SystemSchemaDefinitions.virtualKeyspaces.flatMap { catalog.tables(in: $0.name) } }

    /// Cassandra shows a connection that did not log in as `anonymous`, and Basalt has no TLS.
    private func clients() -> [[String: CQLValue]] {
        let clients = (processor.clients?.clients ?? []).sorted { ($0.address, $0.port) < ($1.address, $1.port) }
        return clients.map { client in
            [
                "address": CQLInet(client.address).map(CQLValue.inet) ?? .null, "port": .int(client.port),
                "client_options": Self.textMap(client.options), "connection_stage": .text(client.connectionStage),
                "driver_name": client.options["DRIVER_NAME"].map(CQLValue.text) ?? .null,
                "driver_version": client.options["DRIVER_VERSION"].map(CQLValue.text) ?? .null,
                "hostname": .text(client.address), "keyspace_name": client.keyspace.map(CQLValue.text) ?? .null,
                "protocol_version": .int(client.protocolVersion), "request_count": .bigint(client.requestCount),
                "ssl_enabled": .boolean(false), "username": .text(client.username ?? "anonymous"),
            ]
        }
    }

    private func repairHistory() -> [[String: CQLValue]] {
        (processor.repairs?.repairHistory ?? []).map { entry in
            [
                "keyspace_name": .text(entry.keyspace), "columnfamily_name": .text(entry.table), "id": .uuid(CQLUUID(entry.id)),
                "coordinator": CQLInet(entry.coordinator).map(CQLValue.inet) ?? .null,
                "exception_message": entry.exceptionMessage.map(CQLValue.text) ?? .null,
                "started_at": .timestamp(Int64(entry.startedAt.timeIntervalSince1970 * 1000)),
                "finished_at": .timestamp(Int64(entry.finishedAt.timeIntervalSince1970 * 1000)), "status": .text(entry.status),
                "ranges_compared": .int(Int32(clamping: entry.rangesCompared)),
                "ranges_differed": .int(Int32(clamping: entry.rangesDiffered)),
                "partitions_streamed": .bigint(Int64(entry.partitionsStreamed)), "bytes_streamed": .bigint(Int64(entry.bytesStreamed)),
            ]
        }
    }

    private func columns(of tables: [TableSchema]) -> [[String: CQLValue]] {
        tables.flatMap { table in
            table.columns.map { column in
                [
                    "keyspace_name": .text(table.keyspace), "table_name": .text(table.name),
                    "column_name": .text(column.name), "clustering_order": .text(column.clusteringOrderText),
                    "column_name_bytes": .blob(Array(column.name.utf8)), "kind": .text(column.kind.rawValue),
                    "position": .int(Int32(column.position)), "type": .text(column.type.description),
                ]
            }
        }
    }

    private func droppedColumns() -> [[String: CQLValue]] {
        allTables.flatMap { table in
            table.droppedColumns.map { dropped in
                [
                    "keyspace_name": .text(table.keyspace), "table_name": .text(table.name),
                    "column_name": .text(dropped.name), "dropped_time": .timestamp(dropped.droppedTime / 1000),
                    "kind": .text(dropped.kind.rawValue), "type": .text(dropped.type),
                ]
            }
        }
    }
}

extension CQLUUID {
    init(_ uuid: UUID) {
        self.init(bytes: withUnsafeBytes(of: uuid.uuid) { Array($0) })
    }
}
