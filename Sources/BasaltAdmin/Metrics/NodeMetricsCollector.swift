import BasaltMetrics
import BasaltReplication
import BasaltStorage

/// The node's figures that already exist for `basalt admin` (tablestats, compactionstats, the
/// commit log, hints, gossip, the messenger), read at every scrape of `GET /metrics` rather than
/// counted a second time. Names and meanings: docs/metrics.md.
public enum NodeMetricsCollector {
    public static func collector(_ node: AdminNode, connectedClients: @escaping @Sendable () -> Int) -> MetricsRegistry.Collector {
        { scrape in
            scrape.gauge("basalt_connected_clients", "open client connections", connectedClients())
            tables(node, into: &scrape)
            storage(node.engine.statistics, into: &scrape)
            replication(node, into: &scrape)
            scrape.gauge("basalt_repair_running", "1 while this node runs an anti-entropy repair", node.repairs.isRunning ? 1 : 0)
        }
    }

    private static func tables(_ node: AdminNode, into scrape: inout MetricsScrape) {
        let schemas = node.catalog.allKeyspaces.sorted { $0.name < $1.name }.flatMap { node.catalog.tables(in: $0.name) }
        for schema in schemas {
            guard let table = node.engine.table(schema.id) else { continue }
            let labels = [("keyspace", schema.keyspace), ("table", schema.name)]
            let statistics = table.statistics
            scrape.gauge("basalt_table_memtable_bytes", "estimated bytes in the table's memtables, flushing ones included",
                         labels: labels, statistics.memtableBytes)
            for (level, count) in statistics.sstablesPerLevel.sorted(by: { $0.key < $1.key }) {
                scrape.gauge("basalt_table_sstables", "live SSTables per level (0 for size-tiered and time-window)",
                             labels: labels + [("level", "\(level)")], count)
            }
            scrape.gauge("basalt_table_live_disk_bytes", "bytes of the table's live SSTables", labels: labels, statistics.liveBytes)
            scrape.gauge("basalt_table_pending_compactions", "compactions the strategy would run now", labels: labels,
                         statistics.pendingCompactions)
            scrape.counter("basalt_table_flushes_total", "memtables flushed", labels: labels, statistics.flushes)
            scrape.counter("basalt_table_flushed_bytes_total", "bytes written by flushes", labels: labels, statistics.bytesFlushed)
            scrape.counter("basalt_table_compactions_total", "compactions finished", labels: labels, statistics.compactions)
            scrape.counter("basalt_table_compaction_read_bytes_total", "bytes read by compactions", labels: labels,
                           statistics.bytesReadByCompaction)
            scrape.counter("basalt_table_compacted_bytes_total", "bytes written by compactions", labels: labels,
                           statistics.bytesCompacted)
            let reads = table.localReadLatency.snapshot(), writes = table.localWriteLatency.snapshot()
            // Tables never read or written (most system tables) stay out: empty histograms are noise.
            if reads.count > 0 {
                scrape.histogram("basalt_table_local_read_duration_seconds",
                                 "partition reads on this node from memtables and SSTables (the count is the reads)",
                                 labels: labels, reads)
            }
            if writes.count > 0 {
                scrape.histogram("basalt_table_local_write_duration_seconds",
                                 "updates applied to this node's memtable (the count is the writes)", labels: labels, writes)
            }
        }
    }

    private static func storage(_ statistics: StorageStatistics, into scrape: inout MetricsScrape) {
        let cache = statistics.blockCache
        scrape.counter("basalt_block_cache_hits_total", "SSTable blocks found in the block cache", cache.hits)
        scrape.counter("basalt_block_cache_misses_total", "SSTable blocks read from disk", cache.misses)
        scrape.gauge("basalt_block_cache_bytes", "bytes of blocks in the cache", cache.bytes)
        scrape.gauge("basalt_block_cache_entries", "blocks in the cache", cache.entries)
        let log = statistics.commitLog
        scrape.counter("basalt_commitlog_records_total", "records appended to the commit log", log.recordsAppended)
        scrape.counter("basalt_commitlog_appended_bytes_total", "frame bytes appended to the commit log", log.bytesAppended)
        scrape.counter("basalt_commitlog_syncs_total", "sync cycles (one fsync for every record pending)", log.syncsPerformed)
        scrape.counter("basalt_commitlog_sync_failures_total", "sync cycles that failed", log.syncFailures)
        scrape.gauge("basalt_commitlog_records_per_sync", "records made durable per sync, on average: the group size",
                     log.recordsPerSync)
        scrape.gauge("basalt_commitlog_pending_bytes", "bytes appended and not yet covered by a sync cycle", log.pendingBytes)
        scrape.histogram("basalt_commitlog_sync_duration_seconds", "time of one sync cycle's fsyncs", log.syncLatency)
        scrape.gauge("basalt_commitlog_segments", "segment files on disk", log.segmentsOnDisk)
        scrape.gauge("basalt_commitlog_disk_bytes", "bytes of the segment files on disk", log.bytesOnDisk)
    }

    private static func replication(_ node: AdminNode, into scrape: inout MetricsScrape) {
        let hints = node.cluster.hintStatistics
        scrape.counter("basalt_hints_dropped_total", "hints not stored, by bound", labels: [("reason", "outside_window")],
                       hints.droppedOutsideWindow)
        scrape.counter("basalt_hints_dropped_total", "hints not stored, by bound", labels: [("reason", "over_size")],
                       hints.droppedOverSize)
        let hosts = Set(hints.perHost.keys).union(hints.pendingBytes.keys).sorted { $0.uuidString < $1.uuidString }
        for host in hosts {
            let labels = [("host_id", host.uuidString.lowercased()), ("peer", node.state.address(ofHost: host)?.host ?? "")]
            let counts = hints.perHost[host] ?? HintStore.HostCounts()
            scrape.gauge("basalt_hints_pending_bytes", "bytes of hints waiting for the target host (the replication lag)",
                         labels: labels, hints.pendingBytes[host] ?? 0)
            scrape.counter("basalt_hints_written_total", "hints stored for the target host while it was down or did not answer",
                           labels: labels, counts.stored)
            scrape.counter("basalt_hints_delivered_total", "hints replayed to the target host and deleted", labels: labels,
                           counts.delivered)
            scrape.counter("basalt_hints_dropped_per_host_total", "hints for the target host not stored (either bound)",
                           labels: labels, counts.dropped)
        }
        let members = node.state.members
        scrape.gauge("basalt_gossip_live_nodes", "nodes gossip sees alive, this one included", members.filter(\.isAlive).count)
        scrape.gauge("basalt_gossip_down_nodes", "nodes gossip sees down", members.filter { !$0.isAlive }.count)
        for (peer, phi) in node.cluster.peerPhi {
            guard let phi else { continue }
            scrape.gauge("basalt_gossip_phi", "the failure detector's suspicion of the peer (convicted above phi_convict_threshold)",
                         labels: [("peer", peer.host)], phi)
        }
        scrape.counter("basalt_read_repairs_total", "mutations this coordinator sent to replicas a read found stale",
                       node.cluster.proxy.readRepairs.sent)
        scrape.counter("basalt_read_repair_failures_total", "reads whose repair of a stale replica failed or timed out",
                       node.cluster.proxy.readRepairs.failed)
        for (replica, kind, latency) in node.cluster.proxy.replicaLatencies.snapshots {
            scrape.histogram("basalt_coordinator_replica_duration_seconds",
                             "from this coordinator sending a write or read to a replica to its answer (this node included)",
                             labels: [("peer", replica.host), ("kind", kind.rawValue)], latency)
        }
        for (peer, counts) in node.cluster.internodeStatistics.peers.sorted(by: { $0.key < $1.key }) {
            let labels = [("peer", peer.host)]
            scrape.counter("basalt_internode_messages_sent_total", "frames sent to the peer", labels: labels, counts.messagesSent)
            scrape.counter("basalt_internode_messages_received_total", "frames received from the peer", labels: labels,
                           counts.messagesReceived)
            scrape.counter("basalt_internode_messages_dropped_total",
                           "messages to the peer not sent (unreachable, queue full) or answers that came too late",
                           labels: labels, counts.messagesDropped)
            scrape.counter("basalt_internode_request_timeouts_total", "requests to the peer that timed out", labels: labels,
                           counts.requestTimeouts)
        }
    }
}
