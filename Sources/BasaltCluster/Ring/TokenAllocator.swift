import BasaltCore
/// Chooses the tokens of a joining node so that ownership stays balanced, in the spirit of
/// Cassandra's `allocate_tokens_for_local_replication_factor` (random tokens leave some nodes owning
/// twice what others do, and vnode counts high enough to average that out make repair and range
/// scans slow).
///
/// The allocation looks only at the joining node's data center: under NetworkTopologyStrategy each
/// data center's tokens form a ring of their own. It models replication within that data center as
/// SimpleStrategy with `replicationFactor` (racks are not modelled: with as many racks as replicas,
/// rack-aware placement can shift effective ownership somewhat).
///
/// - First node of its data center: `count` evenly spaced tokens, rotated by a random offset.
/// - Otherwise, one token at a time (greedy): the new node must end with `1/n` of the primary
///   ownership (n = data center nodes including it), so each token takes the next share of what is
///   still missing (`missing / tokens left`, at most 9/10 of the range it splits) from the bottom of an
///   existing range. Every range of another node is tried; the one kept minimises the squared relative
///   deviation of every node's primary and replicated ownership from its target (the new node's
///   target grows with the tokens it has placed). Only the few ranges whose replica walk crosses the
///   new token change, so each candidate is scored from those ranges alone.
///
/// Deterministic for a given ring and random source (the source only rotates a first node's tokens).
public enum TokenAllocator {
    public static func allocateTokens(
        count: Int = 16,
        for node: NodeAddress,
        location: NodeLocation,
        in ring: TokenRing,
        replicationFactor: Int = 3,
        using random: inout some RandomNumberGenerator
    ) -> [Int64] {
        precondition(count >= 1, "a node needs at least one token (count \(count))")
        precondition(replicationFactor >= 1, "replication factor \(replicationFactor) below 1")
        precondition(ring.location(of: node) == nil, "\(node) is already in the ring")
        let taken = Set(ring.tokens)
        var dataCenterRing = DataCenterRing(ring: ring, dataCenter: location.dataCenter, replicationFactor: replicationFactor)
        if dataCenterRing.positions.isEmpty {
            return evenlySpaced(count: count, avoiding: taken, using: &random)
        }
        var chosen: [Int64] = []
        for placed in 0..<count {
            guard let split = dataCenterRing.bestSplit(tokensPlaced: placed, tokensTotal: count, avoiding: taken) else {
                // Every range is too narrow to split: only possible with absurd token counts.
                preconditionFailure("no range of data center \(location.dataCenter) can be split for \(node)")
            }
            dataCenterRing.insert(split)
            chosen.append(token(fromPosition: split.position))
        }
        assert(Set(chosen).count == count && chosen.allSatisfy { !taken.contains($0) }, "allocated tokens collide")
        return chosen.sorted()
    }

    private static func evenlySpaced(count: Int, avoiding taken: Set<Int64>,
                                     using random: inout some RandomNumberGenerator) -> [Int64] {
        let rotation = random.next()
        var tokens: [Int64] = []
        for index in 0..<UInt64(count) {
            // floor(index * 2^64 / count): gaps differ by at most one token.
            let offset = UInt64(count).dividingFullWidth((high: index, low: 0)).quotient
            var candidate = token(fromPosition: rotation &+ offset)
            // Int64.min is the partitioner's minimum token (no key has it); another data center may
            // already own the spot. Either is a one-in-2^64 event: move one token along.
            while candidate == .min || taken.contains(candidate) || tokens.contains(candidate) { candidate &+= 1 }
            tokens.append(candidate)
        }
        return tokens.sorted()
    }

    /// Tokens as unsigned positions on the circle, order-preserving (Int64.min is position 0), so
    /// that range widths are plain wrapping subtractions.
    static func position(fromToken token: Int64) -> UInt64 { UInt64(bitPattern: token) ^ (1 << 63) }
    static func token(fromPosition position: UInt64) -> Int64 { Int64(bitPattern: position ^ (1 << 63)) }
}

/// One data center's part of the ring as the allocator sees it: sorted positions, their owners (as
/// small integers, the joining node last) and each node's primary and replicated ownership.
private struct DataCenterRing {
    static let ringSize = 18_446_744_073_709_551_616.0

    var positions: [UInt64] = []
    var owners: [Int] = []
    let newNode: Int
    let replicationFactor: Int
    let primaryTarget: Double
    let replicatedTarget: Double
    var primary: [Double]
    var replicated: [Double]

    struct Split {
        var rangeIndex: Int
        var position: UInt64
    }

    init(ring: TokenRing, dataCenter: String, replicationFactor: Int) {
        var identifiers: [NodeAddress: Int] = [:]
        for node in ring.nodes where ring.location(of: node)?.dataCenter == dataCenter {
            identifiers[node] = identifiers.count
        }
        for (token, owner) in zip(ring.tokens, ring.owners) {
            guard let identifier = identifiers[owner] else { continue }
            positions.append(TokenAllocator.position(fromToken: token))
            owners.append(identifier)
        }
        newNode = identifiers.count
        self.replicationFactor = replicationFactor
        let nodeCount = Double(identifiers.count + 1)
        primaryTarget = 1 / nodeCount
        replicatedTarget = Double(min(replicationFactor, identifiers.count + 1)) / nodeCount
        primary = Array(repeating: 0, count: identifiers.count + 1)
        replicated = primary
        measure()
    }

    /// Width of the range ending at position `index`, as a share of the ring.
    func width(_ index: Int) -> Double {
        if positions.count == 1 { return 1 }
        let previous = positions[(index + positions.count - 1) % positions.count]
        return Double(positions[index] &- previous) / Self.ringSize
    }

    /// The first `replicationFactor` distinct owners met walking `count` entries from `start`,
    /// reading owners through `ownerAt` (the real ring or the ring with a candidate token inserted).
    func walk(from start: Int, count: Int, _ ownerAt: (Int) -> Int) -> [Int] {
        var replicas: [Int] = []
        var step = 0
        while replicas.count < replicationFactor && step < count {
            let owner = ownerAt((start + step) % count)
            if !replicas.contains(owner) { replicas.append(owner) }
            step += 1
        }
        return replicas
    }

    mutating func measure() {
        for index in primary.indices {
            primary[index] = 0
            replicated[index] = 0
        }
        let count = positions.count
        for index in 0..<count {
            let share = width(index)
            primary[owners[index]] += share
            for replica in walk(from: index, count: count, { owners[$0] }) { replicated[replica] += share }
        }
    }

    /// Squared relative deviation of one node's ownership from its target; the joining node's
    /// target is scaled by the share of its tokens placed so far.
    func deviation(_ node: Int, primary: Double, replicated: Double, progress: Double) -> Double {
        let scale = node == newNode ? progress : 1
        let primaryError = primary / (primaryTarget * scale) - 1
        let replicatedError = replicated / (replicatedTarget * scale) - 1
        return primaryError * primaryError + replicatedError * replicatedError
    }

    func bestSplit(tokensPlaced: Int, tokensTotal: Int, avoiding taken: Set<Int64>) -> Split? {
        let missing = max(primaryTarget - primary[newNode], 0)
        let share = missing / Double(tokensTotal - tokensPlaced)
        let progress = Double(tokensPlaced + 1) / Double(tokensTotal)
        var best: (score: Double, split: Split)?
        for index in positions.indices where owners[index] != newNode {
            guard let split = candidate(splitting: index, share: share, avoiding: taken) else { continue }
            let score = scoreChange(of: split, progress: progress)
            if best == nil || score < best!.score { best = (score, split) }
        }
        return best?.split
    }

    /// The token taking `share` (at most 9/10 of the range, at least one token) from the bottom of the
    /// range ending at `index`; nil if the range is a single token wide or the spot is taken by
    /// another data center.
    func candidate(splitting index: Int, share: Double, avoiding taken: Set<Int64>) -> Split? {
        let previous = positions[(index + positions.count - 1) % positions.count]
        let width = positions.count == 1 ? UInt64.max : positions[index] &- previous
        guard width >= 2 else { return nil }
        let wanted = min(share, 0.9 * self.width(index)) * Self.ringSize
        let amount = min(max(UInt64(min(wanted, Double(UInt64.max / 2))), 1), width - 1)
        let position = previous &+ amount
        guard !taken.contains(TokenAllocator.token(fromPosition: position)), position != 0 else { return nil }
        return Split(rangeIndex: index, position: position)
    }

    /// How the total deviation changes if `split` is inserted: the split range shrinks, the new
    /// range appears, and the ranges just before it whose replica walk reaches the split point see
    /// the new node enter their replica list. Ranges further back are unchanged.
    func scoreChange(of split: Split, progress: Double) -> Double {
        let count = positions.count
        let index = split.rangeIndex
        let previous = positions[(index + count - 1) % count]
        let taken = Double(split.position &- previous) / Self.ringSize
        // The ring with the new token inserted just before `index` (cyclically).
        let inserted: (Int) -> Int = { virtual in
            virtual < index ? owners[virtual] : (virtual == index ? newNode : owners[virtual - 1])
        }
        var changes: [(node: Int, primary: Double, replicated: Double)] = []
        func add(_ node: Int, primary: Double = 0, replicated: Double = 0) {
            if let slot = changes.firstIndex(where: { $0.node == node }) {
                changes[slot].primary += primary
                changes[slot].replicated += replicated
            } else {
                changes.append((node, primary, replicated))
            }
        }
        add(owners[index], primary: -taken)
        add(newNode, primary: taken)
        // The split range becomes the new node's range and the rest; the rest keeps its replicas
        // unless its walk goes all the way round to the new token (fewer than RF owners in the ring).
        let splitWidth = width(index)
        for replica in walk(from: index, count: count, { owners[$0] }) { add(replica, replicated: -splitWidth) }
        for replica in walk(from: index, count: count + 1, inserted) { add(replica, replicated: taken) }
        for replica in walk(from: index + 1, count: count + 1, inserted) { add(replica, replicated: splitWidth - taken) }
        var distinctBefore: [Int] = []
        for back in 1..<max(count, 1) {
            let earlier = (index - back + count) % count
            if !distinctBefore.contains(owners[earlier]) { distinctBefore.append(owners[earlier]) }
            // Once the ranges between `earlier` and the split hold enough distinct owners, this
            // range's replica walk (and every earlier one's) stops before the split point.
            if distinctBefore.count >= replicationFactor { break }
            let share = width(earlier)
            let virtualStart = earlier < index ? earlier : earlier + 1
            for replica in walk(from: earlier, count: count, { owners[$0] }) { add(replica, replicated: -share) }
            for replica in walk(from: virtualStart, count: count + 1, inserted) { add(replica, replicated: share) }
        }
        var change = 0.0
        for entry in changes {
            let before = deviation(entry.node, primary: primary[entry.node], replicated: replicated[entry.node], progress: progress)
            let after = deviation(entry.node, primary: primary[entry.node] + entry.primary,
                                  replicated: replicated[entry.node] + entry.replicated, progress: progress)
            change += after - before
        }
        return change
    }

    mutating func insert(_ split: Split) {
        // The split lies inside the range ending at `rangeIndex`; for the wrapping range that may be
        // past the last position rather than before the first.
        let at = split.rangeIndex == 0 && split.position > positions[positions.count - 1] ? positions.count : split.rangeIndex
        positions.insert(split.position, at: at)
        owners.insert(newNode, at: at)
        measure()
    }
}
