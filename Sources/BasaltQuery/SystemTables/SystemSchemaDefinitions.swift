import BasaltCQL
import Foundation

/// The system keyspaces and their tables' metadata, so that `system_schema` lists them (cqlsh only
/// renders tables it finds there, notes §0.5) and DESCRIBE can show them. Their rows are generated
/// (see `SystemTableRows`), never stored. Definitions are CQL, parsed once, to keep them readable.
enum SystemSchemaDefinitions {
    static let keyspaces: [KeyspaceSchema] = [
        KeyspaceSchema(name: "system", replication: ["class": KeyspaceSchema.localStrategy]),
        KeyspaceSchema(name: "system_schema", replication: ["class": KeyspaceSchema.localStrategy]),
        KeyspaceSchema(name: "system_auth",
                       replication: ["class": KeyspaceSchema.simpleStrategy, "replication_factor": "1"]),
        KeyspaceSchema(name: "system_distributed",
                       replication: ["class": KeyspaceSchema.simpleStrategy, "replication_factor": "3"]),
        KeyspaceSchema(name: "system_traces",
                       replication: ["class": KeyspaceSchema.simpleStrategy, "replication_factor": "2"]),
    ]

    /// Cassandra 4's virtual keyspaces: their tables show the node's live state, they are listed in
    /// `system_virtual_schema` rather than `system_schema` (drivers build their metadata from it, and
    /// cqlsh only reads tables it finds there), and they are never written.
    static let virtualKeyspaces: [KeyspaceSchema] = [
        KeyspaceSchema(name: "system_views", replication: ["class": KeyspaceSchema.localStrategy]),
        KeyspaceSchema(name: "system_virtual_schema", replication: ["class": KeyspaceSchema.localStrategy]),
    ]

    static let names: Set<String> = Set((keyspaces + virtualKeyspaces).map(\.name))

    /// One row per client connection, in Cassandra 4.1's `system_views.clients` and, with the same rows,
    /// as `system.clients` (where ScyllaDB keeps them).
    private static func clientsDefinition(_ keyspace: String) -> String {
        """
        CREATE TABLE \(keyspace).clients (address inet, port int, client_options frozen<map<text, text>>,
        connection_stage text, driver_name text, driver_version text, hostname text, keyspace_name text,
        protocol_version int, request_count bigint, ssl_cipher_suite text, ssl_enabled boolean, ssl_protocol text,
        username text, PRIMARY KEY ((address), port)) WITH comment = 'currently connected clients'
        """
    }

    /// Cassandra's local latency tables: per table, count and milliseconds.
    private static func latencyDefinition(_ name: String, _ comment: String) -> String {
        """
        CREATE TABLE system_views.\(name) (keyspace_name text, table_name text, count bigint, max_ms double,
        median_ms double, p99th_ms double, PRIMARY KEY ((keyspace_name), table_name)) WITH comment = '\(comment)'
        """
    }

    private static let definitions = [
        clientsDefinition("system"),
        clientsDefinition("system_views"),
        // The node's own state, as Cassandra 4's tables of these names (columns in docs/system-views.md).
        "CREATE TABLE system_views.settings (name text PRIMARY KEY, value text) WITH comment = 'current node settings'",
        """
        CREATE TABLE system_views.statement_stats (keyspace_name text, statement text, calls bigint, rows bigint,
        errors bigint, total_latency_ms double, mean_latency_ms double, max_latency_ms double, p50_latency_ms double,
        p99_latency_ms double, first_seen timestamp, last_seen timestamp, PRIMARY KEY ((keyspace_name), statement))
        WITH comment = 'statistics per normalized statement'
        """,
        """
        CREATE TABLE system_views.slow_queries (started_at timestamp, statement text, keyspace_name text,
        consistency text, duration_ms double, coordinator text, replicas frozen<list<text>>, rows bigint,
        PRIMARY KEY ((started_at), statement)) WITH comment = 'statements slower than slow_query_log_timeout_ms'
        """,
        """
        CREATE TABLE system_views.disk_usage (keyspace_name text, table_name text, mebibytes bigint,
        PRIMARY KEY ((keyspace_name), table_name)) WITH comment = 'live SSTable bytes per table'
        """,
        """
        CREATE TABLE system_views.caches (name text PRIMARY KEY, capacity_bytes bigint, entry_count int,
        hit_count bigint, hit_ratio double, request_count bigint, size_bytes bigint) WITH comment = 'system caches'
        """,
        latencyDefinition("local_read_latency", "partition reads from memtables and SSTables"),
        latencyDefinition("local_write_latency", "updates applied to memtables"),
        "CREATE TABLE system_virtual_schema.keyspaces (keyspace_name text PRIMARY KEY) WITH comment = 'virtual keyspace definitions'",
        """
        CREATE TABLE system_virtual_schema.tables (keyspace_name text, table_name text, comment text,
        PRIMARY KEY ((keyspace_name), table_name)) WITH comment = 'virtual table definitions'
        """,
        """
        CREATE TABLE system_virtual_schema.columns (keyspace_name text, table_name text, column_name text,
        clustering_order text, column_name_bytes blob, kind text, position int, type text,
        PRIMARY KEY ((keyspace_name), table_name, column_name)) WITH comment = 'virtual column definitions'
        """,
        """
        CREATE TABLE system.local (key text PRIMARY KEY, bootstrapped text, broadcast_address inet,
        broadcast_port int, cluster_name text, cql_version text, data_center text, gossip_generation int,
        host_id uuid, listen_address inet, listen_port int, native_protocol_version text, partitioner text,
        rack text, release_version text, rpc_address inet, rpc_port int, schema_version uuid,
        tokens set<text>, truncated_at map<uuid, blob>)
        """,
        """
        CREATE TABLE system.peers (peer inet PRIMARY KEY, data_center text, host_id uuid, preferred_ip inet,
        rack text, release_version text, rpc_address inet, schema_version uuid, tokens set<text>)
        """,
        """
        CREATE TABLE system.peers_v2 (peer inet, peer_port int, data_center text, host_id uuid,
        native_address inet, native_port int, preferred_ip inet, preferred_port int, rack text,
        release_version text, schema_version uuid, tokens set<text>, PRIMARY KEY ((peer), peer_port))
        """,
        """
        CREATE TABLE system_schema.keyspaces (keyspace_name text PRIMARY KEY, durable_writes boolean,
        replication frozen<map<text, text>>)
        """,
        """
        CREATE TABLE system_schema.tables (keyspace_name text, table_name text, additional_write_policy text,
        bloom_filter_fp_chance double, caching frozen<map<text, text>>, cdc boolean, comment text,
        compaction frozen<map<text, text>>, compression frozen<map<text, text>>, crc_check_chance double,
        default_time_to_live int, extensions frozen<map<text, blob>>, flags frozen<set<text>>,
        gc_grace_seconds int, id uuid, max_index_interval int, memtable_flush_period_in_ms int,
        min_index_interval int, read_repair text, speculative_retry text,
        PRIMARY KEY ((keyspace_name), table_name))
        """,
        """
        CREATE TABLE system_schema.columns (keyspace_name text, table_name text, column_name text,
        clustering_order text, column_name_bytes blob, kind text, position int, type text,
        PRIMARY KEY ((keyspace_name), table_name, column_name))
        """,
        """
        CREATE TABLE system_schema.dropped_columns (keyspace_name text, table_name text, column_name text,
        dropped_time timestamp, kind text, type text, PRIMARY KEY ((keyspace_name), table_name, column_name))
        """,
        """
        CREATE TABLE system_schema.triggers (keyspace_name text, table_name text, trigger_name text,
        options frozen<map<text, text>>, PRIMARY KEY ((keyspace_name), table_name, trigger_name))
        """,
        """
        CREATE TABLE system_schema.views (keyspace_name text, view_name text, base_table_id uuid,
        base_table_name text, bloom_filter_fp_chance double, caching frozen<map<text, text>>, cdc boolean,
        comment text, compaction frozen<map<text, text>>, compression frozen<map<text, text>>,
        crc_check_chance double, default_time_to_live int, extensions frozen<map<text, blob>>,
        gc_grace_seconds int, id uuid, include_all_columns boolean, max_index_interval int,
        memtable_flush_period_in_ms int, min_index_interval int, read_repair text, speculative_retry text,
        where_clause text, PRIMARY KEY ((keyspace_name), view_name))
        """,
        """
        CREATE TABLE system_schema.types (keyspace_name text, type_name text, field_names frozen<list<text>>,
        field_types frozen<list<text>>, PRIMARY KEY ((keyspace_name), type_name))
        """,
        """
        CREATE TABLE system_schema.functions (keyspace_name text, function_name text,
        argument_types frozen<list<text>>, argument_names frozen<list<text>>, body text,
        called_on_null_input boolean, language text, return_type text,
        PRIMARY KEY ((keyspace_name), function_name, argument_types))
        """,
        """
        CREATE TABLE system_schema.aggregates (keyspace_name text, aggregate_name text,
        argument_types frozen<list<text>>, final_func text, initcond text, return_type text,
        state_func text, state_type text, PRIMARY KEY ((keyspace_name), aggregate_name, argument_types))
        """,
        """
        CREATE TABLE system_schema.indexes (keyspace_name text, table_name text, index_name text, kind text,
        options frozen<map<text, text>>, PRIMARY KEY ((keyspace_name), table_name, index_name))
        """,
        """
        CREATE TABLE system_auth.roles (role text PRIMARY KEY, can_login boolean, is_superuser boolean,
        member_of set<text>, salted_hash text)
        """,
        """
        CREATE TABLE system_auth.role_permissions (role text, resource text, permissions set<text>,
        PRIMARY KEY (role, resource))
        """,
        // Cassandra's columns, plus what Basalt's repair counts; the rows are the repairs this node
        // ran (each node answers with its own history, not a distributed table).
        """
        CREATE TABLE system_distributed.repair_history (keyspace_name text, columnfamily_name text, id uuid,
        coordinator inet, exception_message text, finished_at timestamp, started_at timestamp, status text,
        ranges_compared int, ranges_differed int, partitions_streamed bigint, bytes_streamed bigint,
        PRIMARY KEY ((keyspace_name, columnfamily_name), id)) WITH comment = 'repairs run by this node'
        """,
        """
        CREATE TABLE system_traces.sessions (session_id uuid PRIMARY KEY, client inet, command text,
        coordinator inet, coordinator_port int, duration int, parameters map<text, text>, request text,
        started_at timestamp)
        """,
        """
        CREATE TABLE system_traces.events (session_id uuid, event_id timeuuid, activity text, source inet,
        source_elapsed int, source_port int, thread text, PRIMARY KEY ((session_id), event_id))
        """,
    ]

    /// Every system table, by keyspace then name. A definition that fails to parse is a bug caught by
    /// the system-table tests (it would be missing from the catalog).
    static let tables: [String: [String: TableSchema]] = {
        var out: [String: [String: TableSchema]] = [:]
        for text in definitions {
            guard case .createTable(let statement)? = try? CQLParser.parse(text),
                  let keyspace = statement.table.keyspace,
                  let table = try? TableSchema.make(from: statement, keyspace: keyspace,
                                                    id: nameBasedUUID("\(keyspace).\(statement.table.name)"))
            else { continue }
            out[keyspace, default: [:]][table.name] = table
        }
        return out
    }()
}

/// A version-3 (MD5, name-based) UUID, as Java's `UUID.nameUUIDFromBytes`: used for the schema version
/// and the ids of system tables, which must be equal on every node.
func nameBasedUUID(_ name: String) -> UUID { nameBasedUUID(bytes: Array(name.utf8)) }

func nameBasedUUID(bytes: [UInt8]) -> UUID {
    var digest = MD5.digest(bytes)
    digest[6] = digest[6] & 0x0F | 0x30
    digest[8] = digest[8] & 0x3F | 0x80
    return UUID(uuid: (digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], digest[6], digest[7],
                       digest[8], digest[9], digest[10], digest[11], digest[12], digest[13], digest[14], digest[15]))
}
