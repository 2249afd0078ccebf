import BasaltCore
/// The token ring: every node's tokens (vnodes), sorted, with the node that owns each, and every
/// node's data center and rack.
///
/// A token `t` belongs to the range of the first ring token `>= t`, wrapping to the first ring token
/// past the largest: the node owning ring token `tokens[i]` owns `(tokens[i-1], tokens[i]]`. This is
/// Cassandra's rule and the Python driver's (`bisect_left` on the sorted ring), so a driver routes a
/// key to the node Basalt stores it on.
///
/// Invariants: `tokens` is strictly ascending; `owners[i]` owns `tokens[i]`; every owner has a
/// location and every located node has at least one token.
public struct TokenRing: Hashable, Sendable {
    public private(set) var tokens: [Int64] = []
    public private(set) var owners: [NodeAddress] = []
    public private(set) var locations: [NodeAddress: NodeLocation] = [:]

    public init() {}

    public var isEmpty: Bool { tokens.isEmpty }

    /// The nodes in the ring, in address order.
    public var nodes: [NodeAddress] { locations.keys.sorted() }

    /// The data centers of the ring's nodes, in name order.
    public var dataCenters: [String] { Set(locations.values.map(\.dataCenter)).sorted() }

    public func location(of node: NodeAddress) -> NodeLocation? { locations[node] }

    /// The node's tokens, ascending.
    public func tokens(of node: NodeAddress) -> [Int64] {
        zip(tokens, owners).compactMap { $0.1 == node ? $0.0 : nil }
    }

    /// Adds a node with its tokens. Throws, leaving the ring unchanged, if the node is already in the
    /// ring, has no tokens, repeats a token, takes a token another node owns or has an empty data
    /// center or rack name.
    public mutating func add(_ node: NodeAddress, location: NodeLocation, tokens newTokens: [Int64]) throws(TokenRingError) {
        guard locations[node] == nil else { throw .nodeAlreadyInRing(node) }
        guard !newTokens.isEmpty else { throw .noTokens(node) }
        guard !location.dataCenter.isEmpty, !location.rack.isEmpty else { throw .emptyLocationName(node, location) }
        let sortedNew = newTokens.sorted()
        for (previous, next) in zip(sortedNew, sortedNew.dropFirst()) where previous == next {
            throw .duplicateToken(previous, node)
        }
        for token in sortedNew {
            if let index = indexOfToken(token) { throw .tokenAlreadyOwned(token, by: owners[index]) }
        }
        // Merge the two sorted lists instead of re-sorting the whole ring.
        var mergedTokens: [Int64] = []
        var mergedOwners: [NodeAddress] = []
        mergedTokens.reserveCapacity(tokens.count + sortedNew.count)
        mergedOwners.reserveCapacity(tokens.count + sortedNew.count)
        var existing = 0
        var added = 0
        while existing < tokens.count || added < sortedNew.count {
            if added == sortedNew.count || (existing < tokens.count && tokens[existing] < sortedNew[added]) {
                mergedTokens.append(tokens[existing])
                mergedOwners.append(owners[existing])
                existing += 1
            } else {
                mergedTokens.append(sortedNew[added])
                mergedOwners.append(node)
                added += 1
            }
        }
        tokens = mergedTokens
        owners = mergedOwners
        locations[node] = location
    }

    /// Removes a node and its tokens; a node not in the ring is ignored.
    public mutating func remove(_ node: NodeAddress) {
        guard locations.removeValue(forKey: node) != nil else { return }
        var keptTokens: [Int64] = []
        var keptOwners: [NodeAddress] = []
        for (token, owner) in zip(tokens, owners) where owner != node {
            keptTokens.append(token)
            keptOwners.append(owner)
        }
        tokens = keptTokens
        owners = keptOwners
    }

    /// The index of the ring token whose range holds `token`: the first ring token `>= token`,
    /// wrapping to 0. REQUIRES: the ring is not empty.
    public func ringIndex(for token: Int64) -> Int {
        precondition(!tokens.isEmpty, "ringIndex(for:) on an empty ring")
        var low = 0
        var high = tokens.count
        while low < high {
            let middle = (low + high) / 2
            if tokens[middle] < token { low = middle + 1 } else { high = middle }
        }
        return low == tokens.count ? 0 : low
    }

    /// The node whose primary range holds `token`, or nil for an empty ring.
    public func primaryOwner(of token: Int64) -> NodeAddress? {
        tokens.isEmpty ? nil : owners[ringIndex(for: token)]
    }

    /// The range ending at ring token `index`: `(tokens[index - 1], tokens[index]]`, wrapping for 0.
    public func range(endingAt index: Int) -> TokenRange {
        precondition(tokens.indices.contains(index), "ring index \(index) outside 0..<\(tokens.count)")
        let previous = index == 0 ? tokens[tokens.count - 1] : tokens[index - 1]
        return TokenRange(start: previous, end: tokens[index])
    }

    private func indexOfToken(_ token: Int64) -> Int? {
        guard !tokens.isEmpty else { return nil }
        let index = ringIndex(for: token)
        return tokens[index] == token ? index : nil
    }
}

/// Why a node could not be added to a `TokenRing`.
public enum TokenRingError: Error, Hashable, Sendable, CustomStringConvertible {
    case nodeAlreadyInRing(NodeAddress)
    case noTokens(NodeAddress)
    case emptyLocationName(NodeAddress, NodeLocation)
    case duplicateToken(Int64, NodeAddress)
    case tokenAlreadyOwned(Int64, by: NodeAddress)

    public var description: String {
        switch self {
        case let .nodeAlreadyInRing(node): "\(node) is already in the ring"
        case let .noTokens(node): "\(node) has no tokens"
        case let .emptyLocationName(node, location): "\(node) has an empty data center or rack name (\(location))"
        case let .duplicateToken(token, node): "\(node) lists token \(token) twice"
        case let .tokenAlreadyOwned(token, owner): "token \(token) is already owned by \(owner)"
        }
    }
}
