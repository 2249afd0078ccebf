import BasaltCore
import Foundation
import BasaltCQLProtocol
import Testing
@testable import BasaltReplication

/// The real coordinators, replica services, hints and storage engines of a 4-node cluster on one
/// seeded simulation (`Simulation`): a seeded interleaving of every task, virtual time, a network
/// that delays and loses messages, and nodes that go down, refuse or hang. One client writes and
/// reads random keys at QUORUM through random coordinators while the faults change; the checkers
/// are Cassandra's promises. A failure names its seed: `Simulation(seed:)` with it replays the run.
@Suite struct ClusterSimulationTests {
    /// The seeds every `scripts/test` run checks: 1...40, or 1...N with `BASALT_SIM_SEEDS=N`.
    static let seeds: [UInt64] = Array(1...(ProcessInfo.processInfo.environment["BASALT_SIM_SEEDS"].flatMap(UInt64.init) ?? 40))

    struct Violation: Error, CustomStringConvertible {
        var description: String
    }

    /// What one run saw: the network's log and the checkers' findings.
    struct Run {
        var log: [String]
        var violations: [String]
        var acknowledged: Int
    }

    /// Runs the workload from `seed`. Values are the step that wrote them, with that step as the
    /// write timestamp, so a newer write always wins and "at least as new" is a comparison.
    static func run(seed: UInt64, steps: Int = 80, misreportedFactor: Int? = nil) async throws -> Run {
        let simulation = Simulation(seed: seed)
        let cluster = try SimulatedCluster(size: 4, simulation: simulation)
        defer { cluster.remove() }
        try await cluster.schema(
            "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}",
            "CREATE TABLE ks.t (k int PRIMARY KEY, v int)")
        cluster.misreportReplicationFactor(as: misreportedFactor)
        return try await cluster.drive {
            var random = SplitMix64(seed: seed)
            func pick(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }
            let keys = 6
            var acknowledged = [Int](repeating: -1, count: keys)  // newest write acknowledged at QUORUM
            var seen = [Int](repeating: -1, count: keys)          // newest value a QUORUM read returned
            var written: Set<Int> = []
            var violations: [String] = []
            var acks = 0
            for step in 0..<steps {
                switch pick(10) {
                case 0:
                    // At most one node is faulty at a time, so QUORUM of RF 3 stays possible.
                    let states: [SimulatedCluster.State] = [.down, .refusing, .hung]
                    for index in cluster.nodes.indices { cluster.set(index, .up) }
                    if pick(3) > 0 { cluster.set(pick(4), states[pick(3)]) }
                case 1:
                    cluster.setLoss([0, 0.05, 0.2][pick(3)])
                case 2...5:
                    let key = pick(keys)
                    written.insert(step)
                    let response = await cluster.nodes[pick(4)].run(
                        "INSERT INTO ks.t (k, v) VALUES (\(key), \(step)) USING TIMESTAMP \(step + 1)", .quorum)
                    if case .result = response {
                        acknowledged[key] = step
                        acks += 1
                    }
                default:
                    let key = pick(keys)
                    let response = await cluster.nodes[pick(4)].run("SELECT v FROM ks.t WHERE k = \(key)", .quorum)
                    guard case .result(.rows(let rows)) = response else { continue }
                    let value = try rows.rows.first.map { row -> Int in
                        guard case .int(let v)? = try row.first.map({ try CQLValue.deserialize(bytes: $0, type: .int) }) else { return -2 }
                        return Int(v)
                    } ?? -1
                    if value >= 0, !written.contains(value) { violations.append("step \(step): key \(key) holds \(value), which nobody wrote") }
                    if value < max(acknowledged[key], seen[key]) {
                        violations.append("step \(step): QUORUM read of key \(key) returned \(value) after \(acknowledged[key]) was acknowledged and \(seen[key]) was read")
                    }
                    seen[key] = max(seen[key], value)
                }
            }
            // Heal, hand off the hints, and every replica must hold every acknowledged write.
            for index in cluster.nodes.indices { cluster.set(index, .up) }
            cluster.setLoss(0)
            for node in cluster.nodes { await node.dispatcher.deliverPending() }
            for key in 0..<keys where acknowledged[key] >= 0 {
                let response = await cluster.nodes[0].run("SELECT v FROM ks.t WHERE k = \(key)", .all)
                guard case .result(.rows(let rows)) = response, let bytes = rows.rows.first?.first,
                      case .int(let value) = try CQLValue.deserialize(bytes: bytes, type: .int) else {
                    violations.append("after healing: key \(key) unreadable at ALL: \(response)")
                    continue
                }
                if Int(value) < acknowledged[key] { violations.append("after healing: key \(key) holds \(value), \(acknowledged[key]) was acknowledged") }
            }
            return Run(log: cluster.log, violations: violations, acknowledged: acks)
        }
    }

    @Test(arguments: seeds)
    func quorumPromisesHoldUnderFaults(seed: UInt64) async throws {
        let run = try await Self.run(seed: seed)
        #expect(run.violations.isEmpty, "seed \(seed): \(run.violations.prefix(3))")
        #expect(run.acknowledged > 0, "seed \(seed): nothing was acknowledged")
    }

    /// One seed, one run: the same deliveries, losses and timeouts at the same virtual times.
    @Test func aSeedReplaysTheSameRun() async throws {
        let first = try await Self.run(seed: 99)
        let second = try await Self.run(seed: 99)
        #expect(first.log.count > 100)
        let divergence = first.log.indices.first { $0 >= second.log.count || first.log[$0] != second.log[$0] }
        #expect(first.log == second.log, "first difference at event \(divergence.map(String.init) ?? "end")")
        let other = try await Self.run(seed: 100)
        #expect(other.log != first.log)
        // Every kind of network fault happened in these runs.
        for fault in ["refused", " lost", "applied, answer lost"] {
            #expect((first.log + other.log).contains { $0.hasSuffix(fault) }, "no '\(fault)' in the runs")
        }
    }

    /// A coordinator that acknowledges QUORUM after one replica is caught within the seeds.
    @Test func aBrokenCoordinatorIsCaught() async throws {
        var caught: UInt64?
        for seed in Self.seeds {
            if try await !Self.run(seed: seed, misreportedFactor: 1).violations.isEmpty {
                caught = seed
                break
            }
        }
        #expect(caught != nil, "acknowledging after one replica went unnoticed over \(Self.seeds.count) seeds")
    }
}
