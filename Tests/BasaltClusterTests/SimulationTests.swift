import BasaltCore
import Testing
@testable import BasaltCluster

/// Whole clusters of gossipers on the whole-cluster simulator (`GossipCluster` over
/// `BasaltSimulation`), each run from a seed that failure messages print; `GossipCluster(seed:)`
/// with that seed replays the run exactly.
@Suite struct SimulationTests {
    /// Runs each scenario from these seeds. The bounds below held for seeds 1...25; the figures quoted
    /// as typical are from those runs.
    static let seeds: [UInt64] = Array(1...5)

    /// Converges a fresh cluster, then lets it run a minute so the failure detectors learn the real
    /// heartbeat rate: a new endpoint's window starts from an assumed 2 s interval, which would
    /// make a conviction right after start-up take about 37 s instead of about 20 s.
    static func settled(_ cluster: GossipCluster) async throws {
        let all = cluster.addresses
        #expect(try await cluster.run(upTo: .seconds(10)) { $0.converged(all) } != nil, "seed \(cluster.seed): no convergence in 10 s")
        try await cluster.run(for: .seconds(60))
    }

    static func deaths(_ events: [GossipOutput]) -> [NodeAddress] {
        events.compactMap { if case let .dead(endpoint) = $0 { endpoint } else { nil } }
    }

    /// From a cold start (every node knows only the seeds), 5 and 10 nodes agree on every node's
    /// states and liveness within 10 gossip rounds (10 simulated seconds); over 25 seeds it took at
    /// most 2.7 s for 5 nodes and 3.8 s for 10.
    @Test(arguments: seeds, [5, 10])
    func coldStartConverges(seed: UInt64, nodeCount: Int) async throws {
        let cluster = GossipCluster(seed: seed, configuration: .init(nodeCount: nodeCount))
        try await cluster.drive {
            let all = cluster.addresses
            let took = try await cluster.run(upTo: .seconds(10)) { $0.converged(all) }
            #expect(took != nil, "seed \(seed): \(nodeCount) nodes did not converge in 10 s")
            // A later change reaches everyone within a few rounds.
            cluster.announce(node(3), .schema, "6f2c6bc8-1f4e-3a76-9c5e-0c5a1f0b2d11")
            let spread = try await cluster.run(upTo: .seconds(10)) { $0.converged(all) }
            #expect(spread != nil, "seed \(seed): a schema change did not spread in 10 s")
            #expect(all.allSatisfy { Self.deaths(cluster.events(of: $0)).isEmpty }, "seed \(seed): false conviction")
        }
    }

    /// A killed node is convicted by every other node within 40 s, and typically after 18–25 s:
    /// phi passes 8 after 8 · ln 10 ≈ 18.4 mean intervals of silence, the mean is 1–1.5 s here and
    /// can never exceed 2 s (longer intervals are not recorded), which bounds it at 36.8 s after the
    /// last news of the node. Restarted, it is seen with its new generation and alive within 10 s
    /// (over 25 seeds: conviction 19–24 s, restart seen within 2.1 s).
    @Test(arguments: seeds)
    func killedNodeIsConvictedAndRestartIsSeen(seed: UInt64) async throws {
        let cluster = GossipCluster(seed: seed, configuration: .init(nodeCount: 6))
        try await cluster.drive {
            try await Self.settled(cluster)
            let all = cluster.addresses
            let victim = node(4)
            let others = all.filter { $0 != victim }
            let oldGeneration = try #require(cluster.gossiper(node(1))!.state(of: victim)).heartbeat.generation
            let killedAt = cluster.now
            cluster.kill(victim)
            let convicted = try await cluster.run(upTo: .seconds(40)) { cluster in
                others.allSatisfy { !cluster.gossiper($0)!.isAlive(victim) }
            }
            #expect(convicted != nil, "seed \(seed): not convicted by everyone within 40 s")
            for address in others {
                #expect(Self.deaths(cluster.events(of: address, since: killedAt)) == [victim], "seed \(seed), \(address)")
            }
            try await cluster.run(for: .seconds(5))
            let restartedAt = cluster.now
            cluster.restart(victim)
            let back = try await cluster.run(upTo: .seconds(10)) { $0.converged(all) }
            #expect(back != nil, "seed \(seed): restart not seen within 10 s")
            for address in others {
                let events = cluster.events(of: address, since: restartedAt)
                #expect(events.contains { if case .restarted(victim, _) = $0 { true } else { false } }, "seed \(seed), \(address)")
                #expect(events.contains(.alive(victim)), "seed \(seed), \(address)")
                let generation = cluster.gossiper(address)!.state(of: victim)!.heartbeat.generation
                #expect(generation > oldGeneration, "seed \(seed), \(address)")
            }
        }
    }

    /// Two groups that cannot reach each other each convict the other side (and nobody on their
    /// own side) within 40 s (the bound explained above), and everyone is alive again within 10 s
    /// of the heal (at most 1 s over 25 seeds: unreachable nodes are gossiped to every round with
    /// probability unreachable / (live + 1)).
    @Test(arguments: seeds)
    func partitionIsolatesBothSidesAndHeals(seed: UInt64) async throws {
        let cluster = GossipCluster(seed: seed, configuration: .init(nodeCount: 8, seeds: [1, 5]))
        try await cluster.drive {
            try await Self.settled(cluster)
            let all = cluster.addresses
            let left = Array(all[0..<4])
            let right = Array(all[4...])
            let partitionedAt = cluster.now
            cluster.partition([left, right])
            let split = try await cluster.run(upTo: .seconds(40)) { cluster in
                [left, right].allSatisfy { side in
                    side.allSatisfy { address in cluster.gossiper(address)!.liveMembers == side.filter { $0 != address } }
                }
            }
            #expect(split != nil, "seed \(seed): the sides did not convict each other within 40 s")
            for (side, otherSide) in [(left, right), (right, left)] {
                for address in side {
                    let deaths = Set(Self.deaths(cluster.events(of: address, since: partitionedAt)))
                    #expect(deaths == Set(otherSide), "seed \(seed), \(address) convicted \(deaths)")
                }
            }
            cluster.healPartition()
            #expect(try await cluster.run(upTo: .seconds(10)) { $0.converged(all) } != nil, "seed \(seed): no heal within 10 s")
        }
    }

    /// With 20% of messages lost, 8 nodes still converge within 30 s (at most 12.6 s over 25 seeds)
    /// and nobody is falsely convicted.
    @Test(arguments: seeds)
    func convergesDespiteTwentyPercentLoss(seed: UInt64) async throws {
        let cluster = GossipCluster(seed: seed, configuration: .init(nodeCount: 8, lossProbability: 0.2))
        try await cluster.drive {
            let all = cluster.addresses
            #expect(try await cluster.run(upTo: .seconds(30)) { $0.converged(all) } != nil, "seed \(seed)")
            cluster.announce(node(2), .load, "123456")
            #expect(try await cluster.run(upTo: .seconds(30)) { $0.converged(all) } != nil, "seed \(seed)")
            try await cluster.run(for: .seconds(60))
            #expect(all.allSatisfy { Self.deaths(cluster.events(of: $0)).isEmpty }, "seed \(seed): false conviction")
        }
    }

    /// A node stopped for 45 s (SIGSTOP) is convicted by the others; when it resumes it notices its
    /// own pause, convicts nobody, and everyone sees it alive again.
    @Test(arguments: seeds)
    func pausedNodeConvictsNobodyWhenItResumes(seed: UInt64) async throws {
        let cluster = GossipCluster(seed: seed, configuration: .init(nodeCount: 6))
        try await cluster.drive {
            try await Self.settled(cluster)
            let all = cluster.addresses
            let sleeper = node(3)
            let pausedAt = cluster.now
            cluster.pause(sleeper, for: .seconds(45))
            try await cluster.run(for: .seconds(45))
            for address in all where address != sleeper {
                #expect(Self.deaths(cluster.events(of: address, since: pausedAt)) == [sleeper], "seed \(seed), \(address)")
            }
            let resumedAt = cluster.now
            #expect(try await cluster.run(upTo: .seconds(15)) { $0.converged(all) } != nil, "seed \(seed): not back within 15 s")
            try await cluster.run(for: .seconds(30))
            let sleeperEvents = cluster.events(of: sleeper, since: pausedAt)
            #expect(Self.deaths(sleeperEvents).isEmpty, "seed \(seed): the paused node convicted \(Self.deaths(sleeperEvents))")
            #expect(sleeperEvents.contains { if case .localPause = $0 { true } else { false } }, "seed \(seed)")
            for address in all where address != sleeper {
                #expect(cluster.events(of: address, since: resumedAt).contains(.alive(sleeper)), "seed \(seed), \(address)")
            }
        }
    }

    /// A node stopped gracefully is down for every peer as soon as its SHUTDOWN arrives (one message
    /// delay, not the ~20 s a conviction takes), exactly once, while it keeps its tokens; a restart
    /// brings it back NORMAL and alive.
    @Test(arguments: seeds)
    func gracefulShutdownIsSeenAtOnceAndRestartClearsIt(seed: UInt64) async throws {
        let cluster = GossipCluster(seed: seed, configuration: .init(nodeCount: 6))
        try await cluster.drive {
            try await Self.settled(cluster)
            let all = cluster.addresses
            let stopped = node(4)
            let others = all.filter { $0 != stopped }
            cluster.shutDown(stopped)
            let seenDown = try await cluster.run(upTo: .seconds(1)) { cluster in
                others.allSatisfy { !cluster.gossiper($0)!.isAlive(stopped) }
            }
            #expect(seenDown != nil, "seed \(seed): not down everywhere within 1 s")
            try await cluster.run(for: .seconds(60))
            for address in others {
                let gossiper = cluster.gossiper(address)!
                #expect(Self.deaths(cluster.events(of: address)) == [stopped], "seed \(seed), \(address)")
                let status = try #require(gossiper.state(of: stopped)?[.status].flatMap(NodeStatus.init))
                #expect(status == .shutdown(tokens: [4_000, 4_001, 4_002, 4_003]), "seed \(seed), \(address)")
            }
            cluster.restart(stopped)
            let back = try await cluster.run(upTo: .seconds(10)) { $0.converged(all) }
            #expect(back != nil, "seed \(seed): restart not seen within 10 s")
            #expect(others.allSatisfy { cluster.gossiper($0)!.isAlive(stopped) }, "seed \(seed)")
        }
    }

    /// A node announces LEFT, gossips for 5 s more and stops. Every other node removes it once the
    /// 30 s quarantine has passed (within 40 s of the announcement) and it never comes back.
    @Test(arguments: seeds)
    func leftNodeDisappearsAfterQuarantine(seed: UInt64) async throws {
        let cluster = GossipCluster(seed: seed, configuration: .init(nodeCount: 6))
        try await cluster.drive {
            let all = cluster.addresses
            #expect(try await cluster.run(upTo: .seconds(10)) { $0.converged(all) } != nil, "seed \(seed)")
            let leaver = node(5)
            let others = all.filter { $0 != leaver }
            cluster.announce(leaver, .status, NodeStatus.left(tokens: [5_000, 5_001, 5_002, 5_003]).description)
            try await cluster.run(for: .seconds(5))
            cluster.kill(leaver)
            let gone = try await cluster.run(upTo: .seconds(35)) { cluster in
                others.allSatisfy { !cluster.gossiper($0)!.knownEndpoints.contains(leaver) }
            }
            #expect(gone != nil, "seed \(seed): not removed everywhere within 40 s")
            for address in others {
                #expect(cluster.events(of: address).filter { $0 == .removed(leaver) }.count == 1, "seed \(seed), \(address)")
            }
            try await cluster.run(for: .seconds(60))
            #expect(others.allSatisfy { !cluster.gossiper($0)!.knownEndpoints.contains(leaver) }, "seed \(seed): resurrected")
            #expect(cluster.converged(others), "seed \(seed)")
        }
    }

    /// A node configured with another cluster's name, listed as a seed by the cluster and using the
    /// cluster's seeds, is ignored both ways (with the reason reported) and learns nothing.
    @Test(arguments: seeds)
    func clusterNameMismatchIsolates(seed: UInt64) async throws {
        let cluster = GossipCluster(seed: seed, configuration: .init(nodeCount: 5, seeds: [1, 9]))
        try await cluster.drive {
            cluster.addNode(9, clusterName: "Other", seeds: [1, 2])
            let stranger = node(9)
            let members = cluster.addresses.filter { $0 != stranger }
            #expect(try await cluster.run(upTo: .seconds(10)) { $0.converged(members) } != nil, "seed \(seed)")
            try await cluster.run(for: .seconds(30))
            #expect(cluster.converged(members), "seed \(seed)")
            #expect(cluster.gossiper(stranger)!.knownEndpoints == [stranger], "seed \(seed)")
            let mismatch = GossipIgnoredReason.clusterNameMismatch(expected: "Test", received: "Other")
            #expect(cluster.events(of: node(1)).contains(.ignored(from: stranger, reason: mismatch)), "seed \(seed)")
            let reverse = GossipIgnoredReason.clusterNameMismatch(expected: "Other", received: "Test")
            #expect(cluster.events(of: stranger).contains { if case .ignored(_, reverse) = $0 { true } else { false } }, "seed \(seed)")
        }
    }

    /// One seed, one run: the same events at the same times, twice.
    @Test func aSeedReplaysTheSameRun() async throws {
        func run() async throws -> [String] {
            let cluster = GossipCluster(seed: 42, configuration: .init(nodeCount: 5, lossProbability: 0.1))
            try await cluster.drive {
                try await cluster.run(for: .seconds(10))
                cluster.kill(node(2))
                try await cluster.run(for: .seconds(30))
            }
            return cluster.network.log
        }
        let first = try await run()
        #expect(first.contains { $0.contains("convicted 127.0.0.2") })
        #expect(try await run() == first)
    }
}
