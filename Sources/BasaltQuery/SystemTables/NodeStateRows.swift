import BasaltCQLProtocol
import BasaltInstruments
import BasaltMetrics
import BasaltStorage

/// Rows of the `system_views` tables that show this node's own state: its settings, statement
/// statistics, slow queries, disk usage, caches and local latencies. Each is read at query time
/// from where the figure lives; none is stored.
enum NodeStateRows {
    static func settings(_ observability: QueryObservability?) -> [[String: CQLValue]] {
        (observability?.settings ?? []).map { ["name": .text($0.name), "value": .text($0.value)] }
    }

    static func statementStatistics(_ observability: QueryObservability?) -> [[String: CQLValue]] {
        let rows = (observability?.statements?.rows ?? []).sorted { ($0.key.keyspace, $0.key.statement) < ($1.key.keyspace, $1.key.statement) }
        return rows.map { row in
            [
                "keyspace_name": .text(row.key.keyspace), "statement": .text(row.key.statement),
                "calls": .bigint(Int64(row.calls)), "rows": .bigint(Int64(row.rows)), "errors": .bigint(Int64(row.errors)),
                "total_latency_ms": .double(milliseconds(row.latency.sumNanoseconds)),
                "mean_latency_ms": .double(milliseconds(row.latency.meanNanoseconds)),
                "max_latency_ms": .double(milliseconds(row.latency.maximumNanoseconds)),
                "p50_latency_ms": .double(milliseconds(row.latency.quantileNanoseconds(0.5))),
                "p99_latency_ms": .double(milliseconds(row.latency.quantileNanoseconds(0.99))),
                "first_seen": .timestamp(row.firstSeenMilliseconds), "last_seen": .timestamp(row.lastSeenMilliseconds),
            ]
        }
    }

    static func slowQueries(_ observability: QueryObservability?) -> [[String: CQLValue]] {
        (observability?.slowQueries?.recent ?? []).map { entry in
            [
                "started_at": .timestamp(entry.startedAtMilliseconds), "statement": .text(entry.statement),
                "keyspace_name": entry.keyspace.map(CQLValue.text) ?? .null, "consistency": .text(entry.consistency),
                "duration_ms": .double(milliseconds(entry.durationNanoseconds)), "coordinator": .text(entry.coordinator),
                "replicas": .list(entry.replicas.map(CQLValue.text)), "rows": .bigint(Int64(entry.rows)),
            ]
        }
    }

    static func diskUsage(_ tables: [(TableSchema, Table)]) -> [[String: CQLValue]] {
        tables.map { schema, table in
            ["keyspace_name": .text(schema.keyspace), "table_name": .text(schema.name),
             "mebibytes": .bigint(Int64(table.statistics.liveBytes >> 20))]
        }
    }

    static func caches(_ engine: StorageEngine) -> [[String: CQLValue]] {
        let cache = engine.statistics.blockCache
        let requests = cache.hits + cache.misses
        return [[
            "name": .text("blocks"), "capacity_bytes": .bigint(Int64(engine.configuration.blockCacheBytes)),
            "entry_count": .int(Int32(clamping: cache.entries)), "hit_count": .bigint(Int64(cache.hits)),
            "hit_ratio": .double(requests == 0 ? .nan : Double(cache.hits) / Double(requests)),
            "request_count": .bigint(Int64(requests)), "size_bytes": .bigint(Int64(cache.bytes)),
        ]]
    }

    static func latencies(_ tables: [(TableSchema, Table)],
                          _ histogram: KeyPath<Table, AtomicLatencyHistogram>) -> [[String: CQLValue]] {
        tables.map { schema, table in
            let snapshot = table[keyPath: histogram].snapshot()
            return [
                "keyspace_name": .text(schema.keyspace), "table_name": .text(schema.name),
                "count": .bigint(Int64(snapshot.count)), "max_ms": .double(milliseconds(snapshot.maximumNanoseconds)),
                "median_ms": .double(milliseconds(snapshot.quantileNanoseconds(0.5))),
                "p99th_ms": .double(milliseconds(snapshot.quantileNanoseconds(0.99))),
            ]
        }
    }

    static func milliseconds(_ nanoseconds: Int64) -> Double { Double(nanoseconds) / 1e6 }
}
