import BasaltCluster
import BasaltCoordination
import BasaltCore
import BasaltQuery
import BasaltStorage
import Foundation
import Logging

/// One anti-entropy repair run by this node, over every range it replicates of the tables asked
/// for: per range, the hash trees of every replica (this node's built locally, the others' asked
/// for with REPAIR_TREE), compared; for each sub-range where a tree differs, the rows are pulled
/// from the replicas that differ (RANGE_READ, applied here as ordinary writes) and this node's
/// merged rows pushed to the others (MUTATION) — row-level repair as ScyllaDB does it, through the
/// replica verbs that already exist. Identical replicas exchange only tree roots.
struct RepairSession {
    /// A mutation sent to a replica holds about this much: big enough to amortise a round trip,
    /// small enough that a commit-log record and a frame stay far below their limits.
    static let batchBytes = 256 << 10
    static let pageLimit = 1000
    /// How long a replica may take to build and send a tree level, and to answer a row pull or push.
    struct Timeouts {
        var tree: Duration = .seconds(120)
        var data: Duration = .seconds(30)
    }

    let state: ClusterState
    let catalog: SchemaCatalog
    let engine: StorageEngine
    let service: ReplicaService
    let transport: any ReplicaTransport
    let logger: Logger
    let cutoff: Int64
    var timeouts = Timeouts()

    /// A range (one piece of the ring, non-wrapping) with the replicas other than this node.
    struct Work {
        var start: Int64
        var end: Int64
        var peers: [NodeAddress]
    }

    /// The ranges of `keyspace` this node replicates, with their other replicas, in token order;
    /// with `primaryOnly`, only those whose primary replica it is (nodetool repair -pr), so that a
    /// repair on every node covers each range once.
    func work(for keyspace: KeyspaceSchema, primaryOnly: Bool) -> [Work] {
        let ring = state.tokenRing
        let placement = ReplicaPlacement(ring: ring, strategy: ClusterState.strategy(of: keyspace), localNode: state.localAddress)
        return placement.scanRanges().compactMap { piece in
            guard piece.replicas.contains(state.localAddress) else { return nil }
            if primaryOnly, ring.primaryOwner(of: piece.range.end) != state.localAddress { return nil }
            return Work(start: piece.range.start, end: piece.range.end, peers: piece.replicas.filter { $0 != state.localAddress })
        }
    }

    func repair(_ table: TableSchema, ranges: [Work], failures: inout [String]) async -> RepairSummary.TableSummary {
        var summary = RepairSummary.TableSummary(keyspace: table.keyspace, table: table.name)
        for (index, range) in ranges.enumerated() where !range.peers.isEmpty {
            summary.rangesCompared += 1
            do {
                let before = summary
                let differed = try await repair(table.id, range, into: &summary, failures: &failures)
                if differed { summary.rangesDiffered += 1 }
                logger.info("repair range", metadata: [
                    "table": "\(table.keyspace).\(table.name)", "range": "(\(range.start), \(range.end)]",
                    "progress": "\(index + 1)/\(ranges.count)", "differed": "\(differed)",
                    "partitions_received": "\(summary.partitionsReceived - before.partitionsReceived)",
                    "partitions_sent": "\(summary.partitionsSent - before.partitionsSent)",
                ])
            } catch {
                failures.append("\(table.keyspace).\(table.name) (\(range.start), \(range.end)]: \(error)")
            }
        }
        return summary
    }

    /// Compares and syncs one range; returns whether any replica differed.
    private func repair(_ table: TableID, _ range: Work, into summary: inout RepairSummary.TableSummary,
                        failures: inout [String]) async throws -> Bool {
        let local = try service.repairDigests(table: table, start: range.start, end: range.end, cutoff: cutoff)
        var differing: [NodeAddress: [(start: Int64, end: Int64)]] = [:]
        for peer in range.peers {
            guard state.isAlive(peer) else {
                failures.append("\(peer.host) is down: (\(range.start), \(range.end)] not repaired with it")
                continue
            }
            do {
                let ranges = try await compare(table, range, local: local, with: peer, treeBytes: &summary.treeBytes)
                if !ranges.isEmpty { differing[peer] = ranges }
            } catch {
                failures.append("\(peer.host) did not answer its tree of (\(range.start), \(range.end)]: \(error)")
            }
        }
        guard !differing.isEmpty else { return false }
        for subrange in Self.union(differing.values.flatMap { $0 }) {
            try await sync(table, subrange, differing: differing, peers: range.peers.filter { state.isAlive($0) },
                           into: &summary)
        }
        return true
    }

    /// The sub-ranges where `peer`'s tree differs from this node's, found by walking the trees from
    /// the root down: at each level only the children of the nodes that differed are asked for. The
    /// depth follows the larger replica's partition count: a replica that lacks most of the range
    /// must not make the tree so coarse that one leaf covers it all.
    private func compare(_ table: TableID, _ range: Work, local: [(token: Int64, digest: PartitionDigest)], with peer: NodeAddress,
                         treeBytes: inout Int) async throws -> [(start: Int64, end: Int64)] {
        var depth = MerkleTree.depth(forPartitions: local.count)
        var deepened = false
        while true {
            var mine = MerkleTree(start: range.start, end: range.end, depth: depth)
            for (token, digest) in local { mine.add(token: token, digest: digest) }
            let levels = mine.levels
            var differing = [0]
            for level in stride(from: depth, through: 0, by: -1) {
                let asked = level == depth ? differing : differing.flatMap { [2 * $0, 2 * $0 + 1] }
                let request = RepairTreeRequest(table: table, start: range.start, end: range.end, depth: depth, cutoff: cutoff,
                                                level: level, nodes: asked).encoded()
                let payload = try await transport.request(.repairTree, payload: request, to: peer, timeout: timeouts.tree)
                treeBytes += request.count + payload.count
                let answer = try RepairTreeResponse(decoding: payload)
                guard answer.hashes.count == asked.count, let ours = levels.hashes(atLevel: level, asked) else {
                    throw RepairSessionError.treeAnswerMismatch(peer: peer, asked: asked.count, answered: answer.hashes.count)
                }
                if level == depth, !deepened {
                    let wanted = MerkleTree.depth(forPartitions: max(answer.partitions, local.count))
                    if wanted > depth + 1 {
                        depth = wanted
                        deepened = true
                        break
                    }
                }
                differing = zip(asked, zip(ours, answer.hashes)).compactMap { $1.0 == $1.1 ? nil : $0 }
                if differing.isEmpty { return [] }
                if level == 0 { return mine.ranges(ofDifferingLeaves: Set(differing)) }
            }
        }
    }

    /// Brings the replicas of one differing sub-range together: pulls the partitions of every
    /// replica that differs there and applies them here, then sends this node's merged partitions
    /// to every replica, except those a replica just sent in the same state.
    private func sync(_ table: TableID, _ subrange: (start: Int64, end: Int64), differing: [NodeAddress: [(start: Int64, end: Int64)]],
                      peers: [NodeAddress], into summary: inout RepairSummary.TableSummary) async throws {
        var theirs: [NodeAddress: [PartitionKey: PartitionDigest]] = [:]
        for (peer, ranges) in differing where ranges.contains(where: { $0.start < subrange.end && subrange.start < $0.end }) {
            var digests: [PartitionKey: PartitionDigest] = [:]
            try await pull(table, subrange, from: peer, into: &summary) { digests[$0.key] = PartitionDigest(of: $0) }
            theirs[peer] = digests
        }
        var local: [PartitionUpdate] = []
        try service.forEachPartition(table: table, start: subrange.start, end: subrange.end) { local.append($0) }
        for peer in peers {
            var batch = ByteWriter()
            var partitions: [PartitionUpdate] = []
            func send() async throws {
                guard !partitions.isEmpty else { return }
                let payload = DataCodec.encode(Mutation(partitions))
                _ = try await transport.request(.mutation, payload: payload, to: peer, timeout: timeouts.data)
                summary.partitionsSent += partitions.count
                summary.rowsSent += partitions.reduce(0) { $0 + $1.rows.count + ($1.staticRow == nil ? 0 : 1) }
                summary.bytesSent += payload.count
                partitions = []
                batch = ByteWriter()
            }
            for partition in local where theirs[peer]?[partition.key] != PartitionDigest(of: partition) {
                DataCodec.write(partition, to: &batch)
                partitions.append(partition)
                if batch.bytes.count >= Self.batchBytes { try await send() }
            }
            try await send()
        }
    }

    /// Pages through `peer`'s partitions in the sub-range with RANGE_READ, writing each batch here.
    private func pull(_ table: TableID, _ subrange: (start: Int64, end: Int64), from peer: NodeAddress,
                      into summary: inout RepairSummary.TableSummary, seen: (PartitionUpdate) -> Void) async throws {
        var start: PartitionKey? = subrange.start == .min ? nil : PartitionKey(token: subrange.start &+ 1, bytes: [])
        var inclusive = true
        while true {
            let command = RangeReadCommand(table: table, start: start, inclusive: inclusive, endToken: subrange.end,
                                           limit: Self.pageLimit)
            let answer = try await transport.request(.rangeRead, payload: command.encoded(), to: peer, timeout: timeouts.data)
            let page = try RangeReadResponse(decoding: answer)
            if !page.partitions.isEmpty {
                try await engine.write(Mutation(page.partitions))
                for partition in page.partitions { seen(partition) }
                summary.partitionsReceived += page.partitions.count
                summary.rowsReceived += page.partitions.reduce(0) { $0 + $1.rows.count + ($1.staticRow == nil ? 0 : 1) }
                summary.bytesReceived += answer.count
            }
            guard !page.exhausted, let last = page.partitions.last else { return }
            start = last.key
            inclusive = false
        }
    }

    /// Sorted, overlapping or touching ranges merged.
    static func union(_ ranges: [(start: Int64, end: Int64)]) -> [(start: Int64, end: Int64)] {
        var merged: [(start: Int64, end: Int64)] = []
        for range in ranges.sorted(by: { $0.start < $1.start }) {
            if let last = merged.last, range.start <= last.end {
                merged[merged.count - 1].end = max(last.end, range.end)
            } else {
                merged.append(range)
            }
        }
        return merged
    }
}

enum RepairSessionError: Error, CustomStringConvertible {
    case treeAnswerMismatch(peer: NodeAddress, asked: Int, answered: Int)

    var description: String {
        switch self {
        case .treeAnswerMismatch(let peer, let asked, let answered): "\(peer) answered \(answered) tree hashes for \(asked) asked"
        }
    }
}
