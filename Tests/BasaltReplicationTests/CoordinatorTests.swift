import BasaltCoordination
import BasaltCQLProtocol
import BasaltCore
import Testing
@testable import BasaltReplication

@Suite struct CoordinatorTests {
    static func cluster(rf: Int) async throws -> SimulatedCluster {
        let cluster = try SimulatedCluster(size: 3)
        try await cluster.schema(
            "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': \(rf)}",
            "CREATE TABLE ks.t (k int, c int, v text, PRIMARY KEY (k, c))")
        return cluster
    }

    static func rows(_ response: CQLResponse) throws -> [[CQLValue]] {
        guard case .result(.rows(let rows)) = response else { throw SimulatedCluster.Failure("\(response)") }
        let types = rows.metadata.columns!.map(\.type)
        return try rows.rows.map { row in try zip(row, types).map { try CQLValue.deserialize(bytes: $0, type: $1) } }
    }

    static func errorKind(_ response: CQLResponse) -> CQLErrorMessage.Kind? {
        if case .error(let error) = response { return error.kind }
        return nil
    }

    @Test func quorumSurvivesOneNodeDownAndHintsCatchItUp() async throws {
        let cluster = try await Self.cluster(rf: 3)
        defer { cluster.remove() }
        cluster.set(2, .down)
        for k in 0..<20 {
            let response = await cluster.nodes[0].run("INSERT INTO ks.t (k, c, v) VALUES (\(k), 1, 'v\(k)')", .quorum)
            guard case .result = response else { Issue.record("write \(k): \(response)"); return }
        }
        #expect(Self.errorKind(await cluster.nodes[0].run("INSERT INTO ks.t (k, c, v) VALUES (1, 1, 'x')", .all))
            == .unavailable(consistency: .all, required: 3, alive: 2))
        // Hints are stored while the client already has its answer.
        for _ in 0..<200 where cluster.nodes[0].hints.statistics.stored < 20 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(cluster.nodes[0].hints.statistics.stored == 20)
        #expect(cluster.nodes[0].hints.hostsWithHints == [cluster.nodes[2].hostID])
        #expect(try Self.rows(await cluster.nodes[1].run("SELECT count(*) FROM ks.t", .quorum)) == [[.bigint(20)]])

        // Back up: the hints are replayed, after which node 2 alone has every row.
        cluster.set(2, .up)
        await cluster.nodes[0].dispatcher.deliverPending()
        #expect(cluster.nodes[0].hints.hostsWithHints.isEmpty)
        #expect(cluster.nodes[0].hints.statistics.delivered == 20)
        for k in Int32(0)..<20 { #expect(try cluster.nodes[2].service.read(ReadCommandFor(cluster, key: k)) != nil) }
    }

    @Test func schemaChangesReachEveryNodeByPushOrPull() async throws {
        let cluster = try SimulatedCluster(size: 3)
        defer { cluster.remove() }
        cluster.set(2, .down)
        guard case .result = await cluster.nodes[0].run("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}")
        else { Issue.record("DDL failed"); return }
        await cluster.nodes[0].schemaSync.push(try cluster.nodes[0].catalog.schemaFacts())
        #expect(cluster.nodes[1].catalog.keyspace("ks") != nil)
        #expect(cluster.nodes[2].catalog.keyspace("ks") == nil)
        cluster.set(2, .up)
        await cluster.nodes[2].schemaSync.reconcile()
        #expect(Set(cluster.nodes.map(\.catalog.schemaVersion)).count == 1)
    }

    @Test func readAtAllRepairsAReplicaThatMissedAWrite() async throws {
        let cluster = try await Self.cluster(rf: 3)
        defer { cluster.remove() }
        cluster.set(1, .down)
        cluster.set(2, .down)
        _ = await cluster.nodes[0].run("INSERT INTO ks.t (k, c, v) VALUES (7, 1, 'only-on-0')", .one)
        cluster.set(1, .up)
        cluster.set(2, .up)
        // Node 1 alone does not have it...
        let local = try cluster.nodes[1].service.read(ReadCommandFor(cluster, key: 7))
        #expect(local == nil)
        // ...a read at ALL merges, repairs, and answers the value...
        #expect(try Self.rows(await cluster.nodes[1].run("SELECT v FROM ks.t WHERE k = 7", .all)) == [[.text("only-on-0")]])
        // ...after which every replica holds it.
        for node in cluster.nodes { #expect(try node.service.read(ReadCommandFor(cluster, key: 7)) != nil) }
    }

    @Test func slowReplicasTimeOutWithTheCountsTheClientNeeds() async throws {
        let cluster = try await Self.cluster(rf: 3)
        defer { cluster.remove() }
        cluster.set(1, .hung)
        cluster.set(2, .hung)
        #expect(Self.errorKind(await cluster.nodes[0].run("INSERT INTO ks.t (k, c, v) VALUES (1, 1, 'x')", .quorum))
            == .writeTimeout(consistency: .quorum, received: 1, blockFor: 2, writeType: .simple))
        #expect(Self.errorKind(await cluster.nodes[0].run("SELECT v FROM ks.t WHERE k = 1", .quorum))
            == .readTimeout(consistency: .quorum, received: 1, blockFor: 2, dataPresent: true))
        #expect(Self.errorKind(await cluster.nodes[0].run("INSERT INTO ks.t (k, c, v) VALUES (1, 1, 'x')", .one)) == nil)
    }

    @Test(arguments: [1, 2, 3])
    func scansAcrossRangesReturnEveryPartitionOnceInTokenOrder(rf: Int) async throws {
        let cluster = try await Self.cluster(rf: rf)
        defer { cluster.remove() }
        let count = 700
        for k in 0..<count {
            let response = await cluster.nodes[k % 3].run("INSERT INTO ks.t (k, c, v) VALUES (\(k), \(k % 5), 'v')", .all)
            guard case .result = response else { Issue.record("\(response)"); return }
        }
        var keys: [Int32] = []
        var pagingState: [UInt8]?
        repeat {
            let parameters = CQLQueryParameters(consistency: .quorum, pageSize: 100, pagingState: pagingState)
            let response = await cluster.nodes[1].processor.handle(
                .query(CQLQuery(query: "SELECT k FROM ks.t", parameters: parameters)), session: cluster.nodes[1].session)
            guard case .result(.rows(let rows)) = response else { Issue.record("\(response)"); return }
            keys += try rows.rows.map { try CQLValue.deserialize(bytes: $0[0], type: .int) }.map { value in
                guard case .int(let k) = value else { return -1 }
                return k
            }
            pagingState = rows.metadata.pagingState
        } while pagingState != nil
        #expect(keys.count == count)
        #expect(Set(keys).count == count)
        let tokens = keys.map { k in withUnsafeBytes(of: k.bigEndian) { Murmur3.token(Array($0)) } }
        #expect(tokens == tokens.sorted())
    }

    /// A replica that died but is not yet convicted looks alive, so reads plan on it; its refusal
    /// must send the read to a spare, for range reads as for single-partition reads.
    @Test func readsFallBackToASpareWhenAReplicaRefuses() async throws {
        let cluster = try await Self.cluster(rf: 3)
        defer { cluster.remove() }
        for k in 0..<50 {
            _ = await cluster.nodes[k % 3].run("INSERT INTO ks.t (k, c, v) VALUES (\(k), 1, 'v')", .all)
        }
        for refusing in 0..<3 {
            cluster.set(refusing, .refusing)
            let coordinator = cluster.nodes[(refusing + 1) % 3]
            #expect(try Self.rows(await coordinator.run("SELECT count(*) FROM ks.t", .quorum)) == [[.bigint(50)]])
            #expect(try Self.rows(await coordinator.run("SELECT k FROM ks.t", .quorum, pageSize: 7)).count == 7)
            for k in 0..<10 {
                #expect(try Self.rows(await coordinator.run("SELECT v FROM ks.t WHERE k = \(k)", .quorum)) == [[.text("v")]])
            }
            // ALL cannot do without it: a failure, not a timeout.
            guard case .readFailure(.all, _, 3, 1, _)? = Self.errorKind(await coordinator.run("SELECT count(*) FROM ks.t", .all))
            else { Issue.record("a range read at ALL with a refusing replica must fail"); return }
            cluster.set(refusing, .up)
        }
    }

    /// A batch reaches each replica as one mutation holding all of that replica's partitions (one
    /// commit-log record there), and every partition still meets the level.
    @Test(arguments: ["LOGGED", "UNLOGGED"])
    func aBatchIsOneMutationPerReplica(kind: String) async throws {
        let cluster = try await Self.cluster(rf: 2)
        defer { cluster.remove() }
        let inserts = (0..<30).map { "INSERT INTO ks.t (k, c, v) VALUES (\($0), 1, 'b')" }.joined(separator: "; ")
        let response = await cluster.nodes[0].run("BEGIN \(kind) BATCH \(inserts) APPLY BATCH", .all)
        guard case .result = response else { Issue.record("\(response)"); return }
        for node in 1..<3 { #expect(cluster.delivered(.mutation, to: node) == 1) }
        #expect(try Self.rows(await cluster.nodes[2].run("SELECT count(*) FROM ks.t", .all)) == [[.bigint(30)]])
    }

    @Test func truncateNeedsEveryNode() async throws {
        let cluster = try await Self.cluster(rf: 2)
        defer { cluster.remove() }
        _ = await cluster.nodes[0].run("INSERT INTO ks.t (k, c, v) VALUES (1, 1, 'x')", .all)
        cluster.set(2, .down)
        #expect(Self.errorKind(await cluster.nodes[0].run("TRUNCATE ks.t")) == .unavailable(consistency: .all, required: 3, alive: 2))
        cluster.set(2, .up)
        #expect(Self.errorKind(await cluster.nodes[0].run("TRUNCATE ks.t")) == nil)
        #expect(try Self.rows(await cluster.nodes[2].run("SELECT count(*) FROM ks.t", .all)) == [[.bigint(0)]])
    }
}

/// The storage-level read of partition `k` (int key) in ks.t, to look at one replica directly.
func ReadCommandFor(_ cluster: SimulatedCluster, key: Int32) -> ReadCommand {
    let table = cluster.nodes[0].catalog.table(keyspace: "ks", name: "t")!
    return ReadCommand(table: table.id, key: PartitionKey(withUnsafeBytes(of: key.bigEndian) { Array($0) }), slice: .all)
}
