import BasaltCore
import Testing
@testable import BasaltCluster

/// One gossiper at a time, messages handed over by the test: the exchange rules, state merging and
/// the membership events. Whole clusters are in SimulationTests.
@Suite struct GossiperTests {
    static let generation: Int64 = 1_700_000_000

    static func gossiper(_ octet: Int, generation: Int64 = generation, seeds: [Int] = [1], cluster: String = "Test",
                         quarantine: Duration = .seconds(60)) -> Gossiper {
        Gossiper(local: node(octet), generation: generation, seeds: seeds.map(node), clusterName: cluster,
                 configuration: GossipConfiguration(quarantineDelay: quarantine, removedEndpointRetention: .seconds(600)))
    }

    static func messages(_ outputs: [GossipOutput]) -> [(GossipMessage, NodeAddress)] {
        outputs.compactMap { if case let .send(message, to) = $0 { (message, to) } else { nil } }
    }

    static func events(_ outputs: [GossipOutput]) -> [GossipOutput] {
        outputs.filter { if case .send = $0 { false } else { true } }
    }

    /// Runs the round `initiator` starts with its SYN to `target`: SYN, ACK, ACK2. Returns the
    /// events of the initiator and of the target.
    static func round(_ initiator: inout Gossiper, _ target: inout Gossiper, now: MonotonicTime)
        -> (initiator: [GossipOutput], target: [GossipOutput]) {
        var initiatorEvents: [GossipOutput] = []
        var targetEvents: [GossipOutput] = []
        let syn = GossipMessage.syn(clusterName: initiator.clusterName, digests: initiator.digests())
        let afterSyn = target.receive(syn, from: initiator.local, now: now)
        targetEvents += events(afterSyn)
        for (ack, _) in messages(afterSyn) {
            let afterAck = initiator.receive(ack, from: target.local, now: now)
            initiatorEvents += events(afterAck)
            for (ack2, _) in messages(afterAck) { targetEvents += events(target.receive(ack2, from: initiator.local, now: now)) }
        }
        return (initiatorEvents, targetEvents)
    }

    @Test func aNewNodeLearnsTheSeedAndTheSeedLearnsItInOneRound() throws {
        var seed = Self.gossiper(1)
        var joining = Self.gossiper(2)
        seed.setLocalState(.dataCenter, "dc1")
        joining.setLocalState(.dataCenter, "dc2")
        var random = SplitMix64(seed: 1)
        // Nobody is live yet: the tick gossips to the seed.
        let tick = joining.tick(now: seconds(1), rng: &random)
        #expect(Self.messages(tick).map(\.1) == [node(1)])
        let (joiningEvents, seedEvents) = Self.round(&joining, &seed, now: seconds(1))
        #expect(joiningEvents == [.joined(node(1), try #require(seed.state(of: node(1)))), .alive(node(1))])
        #expect(seedEvents == [.joined(node(2), try #require(joining.state(of: node(2)))), .alive(node(2))])
        #expect(seed.state(of: node(2))?[.dataCenter] == "dc2" && joining.state(of: node(1))?[.dataCenter] == "dc1")
        #expect(seed.liveMembers == [node(2)] && joining.liveMembers == [node(1)])
        #expect(seed.isAlive(node(1)) && !seed.isAlive(node(3)))
    }

    @Test func aSynFromAnotherClusterIsIgnoredWithTheReason() {
        var seed = Self.gossiper(1)
        let stranger = Self.gossiper(2, cluster: "Other")
        let outputs = seed.receive(.syn(clusterName: "Other", digests: stranger.digests()), from: node(2), now: seconds(1))
        #expect(outputs == [.ignored(from: node(2), reason: .clusterNameMismatch(expected: "Test", received: "Other"))])
        #expect(seed.knownEndpoints == [node(1)])
    }

    @Test func newerVersionsApplyAndOlderOnesDoNot() throws {
        var first = Self.gossiper(1)
        var second = Self.gossiper(2)
        _ = Self.round(&second, &first, now: seconds(1))
        second.setLocalState(.schema, "v1")
        second.setLocalState(.load, "100")
        let (_, events) = Self.round(&second, &first, now: seconds(2))
        #expect(events == [.changed(node(2), .schema, "v1"), .changed(node(2), .load, "100")])
        // A stale copy (lower versions of the same generation) changes nothing.
        var stale = try #require(first.state(of: node(2)))
        stale.applicationStates[.schema] = VersionedValue("v0", version: 1)
        stale.heartbeat.version = 0
        #expect(first.receive(.ack2(receiverGeneration: Self.generation, states: [node(2): stale]), from: node(3), now: seconds(3)).isEmpty)
        #expect(first.state(of: node(2))?[.schema] == "v1")
        // Nobody but the node itself changes its state.
        var forged = try #require(first.state(of: node(1)))
        forged.applicationStates[.schema] = VersionedValue("forged", version: 1_000)
        #expect(first.receive(.ack2(receiverGeneration: Self.generation, states: [node(1): forged]), from: node(3), now: seconds(3)).isEmpty)
        #expect(first.state(of: node(1))?[.schema] == nil)
    }

    /// The ACK carries only what the SYN's sender lacks: states above its version.
    @Test func ackCarriesOnlyTheMissingVersions() throws {
        var first = Self.gossiper(1)
        first.setLocalState(.dataCenter, "dc1")
        first.setLocalState(.rack, "r1")
        let digest = GossipDigest(endpoint: node(1), generation: Self.generation, maxVersion: 1)
        let sender = GossipDigest(endpoint: node(2), generation: Self.generation + 1, maxVersion: 0)
        let outputs = first.receive(.syn(clusterName: "Test", digests: [digest, sender]), from: node(2), now: seconds(1))
        let state = try #require(first.state(of: node(1)))
        let ack = GossipMessage.ack(receiverGeneration: Self.generation + 1, senderGeneration: Self.generation,
                                    requests: [GossipDigest(endpoint: node(2), generation: Self.generation + 1, maxVersion: 0)],
                                    states: [node(1): state.delta(after: 1)])
        #expect(outputs == [.send(ack, to: node(2))])
        #expect(state.delta(after: 1).applicationStates.keys.sorted() == [.rack])
        // Up to date on node 1: only the request for the sender's own state.
        let current = GossipDigest(endpoint: node(1), generation: Self.generation, maxVersion: state.maxVersion)
        let requestOnly = GossipMessage.ack(receiverGeneration: Self.generation + 1, senderGeneration: Self.generation,
                                            requests: [GossipDigest(endpoint: node(2), generation: Self.generation + 1, maxVersion: 0)],
                                            states: [:])
        #expect(first.receive(.syn(clusterName: "Test", digests: [current, sender]), from: node(2), now: seconds(1))
                == [.send(requestOnly, to: node(2))])
    }

    @Test func silentNodesAreConvictedStayKnownAndComeBack() throws {
        var first = Self.gossiper(1)
        var second = Self.gossiper(2)
        var random = SplitMix64(seed: 2)
        for second_ in 1...10 {
            _ = Self.round(&second, &first, now: seconds(Double(second_)))
            _ = second.tick(now: seconds(Double(second_) + 0.5), rng: &random)
            #expect(!first.tick(now: seconds(Double(second_) + 0.5), rng: &random).contains(.dead(node(2))))
        }
        var deadAt: Int?
        for second_ in 11...40 where deadAt == nil {
            if first.tick(now: seconds(Double(second_) + 0.5), rng: &random).contains(.dead(node(2))) { deadAt = second_ }
        }
        // Mean interval (2 s + 9 × 1 s) / 10 = 1.1 s: phi passes 8 after 8 · ln 10 · 1.1 ≈ 20.3 s.
        #expect(deadAt == 30)
        #expect(try #require(first.phi(of: node(2), now: seconds(30.5))) > 8)
        #expect(first.unreachableMembers == [node(2)] && first.liveMembers.isEmpty && first.state(of: node(2)) != nil)
        // Its state is still gossiped.
        #expect(first.digests().map(\.endpoint) == [node(1), node(2)])
        let (_, events) = Self.round(&second, &first, now: seconds(41))
        #expect(events == [.alive(node(2))])
    }

    @Test func aNewerGenerationIsARestartAndAnOlderOneIsIgnored() throws {
        var first = Self.gossiper(1)
        var second = Self.gossiper(2)
        second.setLocalState(.hostID, "old")
        _ = Self.round(&second, &first, now: seconds(1))
        var restarted = Self.gossiper(2, generation: Self.generation + 100)
        restarted.setLocalState(.hostID, "new")
        let (_, events) = Self.round(&restarted, &first, now: seconds(2))
        #expect(events == [.restarted(node(2), try #require(restarted.state(of: node(2))))])
        #expect(first.state(of: node(2))?[.hostID] == "new")
        // The old process's state arriving late changes nothing.
        #expect(first.receive(.ack2(receiverGeneration: Self.generation, states: [node(2): try #require(second.state(of: node(2)))]), from: node(3), now: seconds(3)).isEmpty)
        #expect(first.state(of: node(2))?.heartbeat.generation == Self.generation + 100)
    }

    /// Simulation seed 893: a reply in flight to a process that has since restarted reaches the new
    /// one. Its contents answer what the old process knew (here: a heartbeat of node 2 without
    /// its application states, since the old process had them); taken for node 2's whole state,
    /// the new process's digest would claim versions it never received, and node 2 would never
    /// send them. Replies name the generation they answer, and the new process drops them.
    @Test func aReplyToAnEarlierProcessOfTheNodeIsDropped() throws {
        var old = Self.gossiper(1)
        var second = Self.gossiper(2)
        second.setLocalState(.status, "NORMAL,42")
        _ = Self.round(&old, &second, now: seconds(1))
        var random = SplitMix64(seed: 3)
        _ = second.tick(now: seconds(2), rng: &random)
        let syn = GossipMessage.syn(clusterName: "Test", digests: old.digests())
        let replies = Self.messages(second.receive(syn, from: node(1), now: seconds(2)))
        let (ack, _) = try #require(replies.first)
        guard case let .ack(_, _, _, states) = ack else { Issue.record("not an ACK: \(ack)"); return }
        #expect(states[node(2)]?.applicationStates.isEmpty == true, "the delta holds only the newer heartbeat")

        var restarted = Self.gossiper(1, generation: Self.generation + 1)
        let stale = GossipIgnoredReason.staleReply(answered: Self.generation, localGeneration: Self.generation + 1)
        #expect(restarted.receive(ack, from: node(2), now: seconds(2)) == [.ignored(from: node(2), reason: stale)])
        let ack2 = GossipMessage.ack2(receiverGeneration: Self.generation, states: [node(2): try #require(states[node(2)])])
        #expect(restarted.receive(ack2, from: node(3), now: seconds(2)) == [.ignored(from: node(3), reason: stale)])
        #expect(restarted.knownEndpoints == [node(1)])
        // The next round of the new process learns node 2 whole.
        _ = Self.round(&restarted, &second, now: seconds(3))
        #expect(restarted.state(of: node(2))?[.status] == "NORMAL,42")
    }

    /// A restored peer (the ring a previous process saved) is known and down, never gossiped on,
    /// and replaced by the first real state heard of it, which brings it up.
    @Test func aRestoredPeerIsDownUntilHeardFromAndNeverGossipedOn() throws {
        var restarted = Self.gossiper(1)
        restarted.restore(node(2), states: [.status: "NORMAL,42", .tokens: "42"])
        restarted.restore(node(1), states: [.status: "NORMAL,7"])
        #expect(restarted.knownEndpoints == [node(1), node(2)])
        #expect(!restarted.isAlive(node(2)) && restarted.state(of: node(2))?.isRestored == true)
        #expect(restarted.state(of: node(1))?[.status] == nil, "this node's own state is its own")
        #expect(restarted.digests().map(\.endpoint) == [node(1)])

        // A third node that never heard of node 2 does not learn it from the restored copy.
        var third = Self.gossiper(3)
        _ = Self.round(&restarted, &third, now: seconds(1))
        _ = Self.round(&third, &restarted, now: seconds(1))
        #expect(third.knownEndpoints == [node(1), node(3)])
        #expect(third.state(of: node(2)) == nil)

        var second = Self.gossiper(2)
        second.setLocalState(.status, "NORMAL,42")
        _ = Self.round(&second, &restarted, now: seconds(2))
        #expect(restarted.isAlive(node(2)))
        #expect(restarted.state(of: node(2))?.isRestored == false)
        #expect(restarted.state(of: node(2))?[.status] == "NORMAL,42")
    }

    @Test func aSynWithoutItsSendersDigestIsNotAnswered() {
        var first = Self.gossiper(1)
        let digest = GossipDigest(endpoint: node(1), generation: Self.generation, maxVersion: 0)
        #expect(first.receive(.syn(clusterName: "Test", digests: [digest]), from: node(2), now: seconds(1))
                == [.ignored(from: node(2), reason: .synWithoutSenderDigest)])
    }

    @Test func leftNodesAreRemovedAfterTheQuarantineAndStayRemoved() throws {
        var first = Self.gossiper(1, quarantine: .seconds(30))
        var leaving = Self.gossiper(2)
        _ = Self.round(&leaving, &first, now: seconds(1))
        leaving.setLocalState(.status, NodeStatus.left(tokens: [1, 2]).description)
        _ = Self.round(&leaving, &first, now: seconds(2))
        var random = SplitMix64(seed: 3)
        var removedAt: Int?
        for second_ in 3...40 where removedAt == nil {
            _ = Self.round(&leaving, &first, now: seconds(Double(second_)))
            if first.tick(now: seconds(Double(second_)), rng: &random).contains(.removed(node(2))) { removedAt = second_ }
        }
        #expect(removedAt == 32)
        #expect(first.knownEndpoints == [node(1)] && first.state(of: node(2)) == nil)
        // The same process keeps gossiping: ignored.
        let (_, events) = Self.round(&leaving, &first, now: seconds(41))
        #expect(events.isEmpty && first.knownEndpoints == [node(1)])
        // A new process at that address (a new generation) joins again.
        var rejoined = Self.gossiper(2, generation: Self.generation + 1_000)
        let (_, rejoinEvents) = Self.round(&rejoined, &first, now: seconds(42))
        #expect(rejoinEvents == [.joined(node(2), try #require(rejoined.state(of: node(2)))), .alive(node(2))])
    }
}
