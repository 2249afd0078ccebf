import BasaltCore
extension Gossiper {
    /// Handles one gossip message from `sender`, received at `now`.
    public mutating func receive(_ message: GossipMessage, from sender: NodeAddress, now: MonotonicTime) -> [GossipOutput] {
        var outputs: [GossipOutput] = []
        switch message {
        case let .syn(name, digests):
            guard name == clusterName else {
                outputs.append(.ignored(from: sender, reason: .clusterNameMismatch(expected: clusterName, received: name)))
                return outputs
            }
            guard let senderDigest = digests.first(where: { $0.endpoint == sender }) else {
                outputs.append(.ignored(from: sender, reason: .synWithoutSenderDigest))
                return outputs
            }
            let (requests, states) = examine(digests)
            // Cassandra answers every SYN; an empty ACK says nothing, so none is sent.
            if !requests.isEmpty || !states.isEmpty {
                let ack = GossipMessage.ack(receiverGeneration: senderDigest.generation, senderGeneration: generation,
                                            requests: requests, states: states)
                outputs.append(.send(ack, to: sender))
            }
        case let .ack(receiverGeneration, senderGeneration, requests, states):
            guard receiverGeneration == generation else {
                outputs.append(.ignored(from: sender, reason: .staleReply(answered: receiverGeneration, localGeneration: generation)))
                return outputs
            }
            apply(states, now: now, into: &outputs)
            let reply = statesRequested(by: requests)
            if !reply.isEmpty { outputs.append(.send(.ack2(receiverGeneration: senderGeneration, states: reply), to: sender)) }
        case let .ack2(receiverGeneration, states):
            guard receiverGeneration == generation else {
                outputs.append(.ignored(from: sender, reason: .staleReply(answered: receiverGeneration, localGeneration: generation)))
                return outputs
            }
            apply(states, now: now, into: &outputs)
        }
        return outputs
    }

    /// Compares a SYN's digests with what this node knows: which states to ask for (the sender's
    /// copy is newer: a later generation, or the same generation with a higher version) and which
    /// to send (this node's copy is newer). Nodes the SYN does not mention are sent whole: the
    /// sender has never heard of them (Cassandra leaves them to a later round in the other
    /// direction; sending them now lets a new node learn the cluster in one round).
    func examine(_ digests: [GossipDigest]) -> (requests: [GossipDigest], states: [NodeAddress: EndpointState]) {
        var requests: [GossipDigest] = []
        var states: [NodeAddress: EndpointState] = [:]
        var mentioned: Set<NodeAddress> = []
        for digest in digests {
            let endpoint = digest.endpoint
            mentioned.insert(endpoint)
            if let removed = removedEndpoints[endpoint], digest.generation <= removed.generation { continue }
            guard let known = endpointStates[endpoint], !known.isRestored else {
                if endpoint != local { requests.append(GossipDigest(endpoint: endpoint, generation: digest.generation, maxVersion: 0)) }
                continue
            }
            let generation = known.heartbeat.generation
            let maxVersion = known.maxVersion
            if digest.generation > generation {
                // Only the node itself is the authority on its own state: never ask for it.
                if endpoint != local { requests.append(GossipDigest(endpoint: endpoint, generation: digest.generation, maxVersion: 0)) }
            } else if digest.generation < generation {
                states[endpoint] = known
            } else if digest.maxVersion > maxVersion {
                if endpoint != local {
                    requests.append(GossipDigest(endpoint: endpoint, generation: generation, maxVersion: maxVersion))
                }
            } else if digest.maxVersion < maxVersion {
                states[endpoint] = known.delta(after: digest.maxVersion)
            }
        }
        for (endpoint, state) in endpointStates where !mentioned.contains(endpoint) && !state.isRestored { states[endpoint] = state }
        return (requests, states)
    }

    /// The states an ACK asked for: everything above the version the requester has of the same
    /// generation, or everything if this node knows a newer generation than the one requested.
    func statesRequested(by requests: [GossipDigest]) -> [NodeAddress: EndpointState] {
        var states: [NodeAddress: EndpointState] = [:]
        for request in requests {
            guard let known = endpointStates[request.endpoint], !known.isRestored,
                  known.heartbeat.generation >= request.generation else { continue }
            let after = known.heartbeat.generation == request.generation ? request.maxVersion : 0
            states[request.endpoint] = known.delta(after: after)
        }
        return states
    }

    /// Merges remote states: an unknown node joins; a newer generation replaces the old process's
    /// state (restart); within a generation, newer heartbeat and application-state versions apply.
    /// Older generations, this node's own state and removed generations are ignored.
    mutating func apply(_ states: [NodeAddress: EndpointState], now: MonotonicTime, into outputs: inout [GossipOutput]) {
        for (endpoint, remote) in states.sorted(by: { $0.key < $1.key }) where endpoint != local {
            if let removed = removedEndpoints[endpoint] {
                if remote.heartbeat.generation <= removed.generation { continue }
                removedEndpoints[endpoint] = nil
            }
            guard let known = endpointStates[endpoint] else {
                endpointStates[endpoint] = remote
                failureDetector.heartbeat(from: endpoint, at: now)
                outputs.append(.joined(endpoint, remote))
                // A node first heard of after it left or shut down is not brought up.
                if !Self.hasLeft(remote), !Self.isShutDown(remote), !Self.isSpokenFor(remote) {
                    live.insert(endpoint)
                    outputs.append(.alive(endpoint))
                }
                scheduleRemovalIfLeft(endpoint, now: now)
                continue
            }
            if remote.heartbeat.generation > known.heartbeat.generation {
                endpointStates[endpoint] = remote
                // The old process's heartbeat intervals say nothing about the new one.
                failureDetector.remove(endpoint)
                failureDetector.heartbeat(from: endpoint, at: now)
                removalDeadlines[endpoint] = nil
                outputs.append(.restarted(endpoint, remote))
                // A newer generation set on a dead node's behalf (removenode, replace) is not the
                // node coming back.
                if !Self.isSpokenFor(remote), live.insert(endpoint).inserted { outputs.append(.alive(endpoint)) }
                scheduleRemovalIfLeft(endpoint, now: now)
            } else if remote.heartbeat.generation == known.heartbeat.generation {
                applySameGeneration(endpoint, known: known, remote: remote, now: now, into: &outputs)
            }
        }
    }

    private mutating func applySameGeneration(_ endpoint: NodeAddress, known: EndpointState, remote: EndpointState,
                                              now: MonotonicTime, into outputs: inout [GossipOutput]) {
        var updated = known
        for (key, value) in remote.applicationStates.sorted(by: { $0.key < $1.key })
        where value.version > (known.applicationStates[key]?.version ?? -1) {
            updated.applicationStates[key] = value
            outputs.append(.changed(endpoint, key, value.value))
        }
        let newerHeartbeat = remote.heartbeat.version > known.heartbeat.version
        if newerHeartbeat { updated.heartbeat = remote.heartbeat }
        endpointStates[endpoint] = updated
        scheduleRemovalIfLeft(endpoint, now: now)
        // Down at once; its failure-detector history would only mislead after a restart. Gossip
        // still in flight from before the stop (a newer heartbeat of this generation) must not
        // bring it back: only a new generation does.
        if Self.isShutDown(updated) {
            failureDetector.remove(endpoint)
            if live.remove(endpoint) != nil { outputs.append(.dead(endpoint)) }
            return
        }
        guard newerHeartbeat else { return }
        failureDetector.heartbeat(from: endpoint, at: now)
        // A newer heartbeat proves the process ran after it was convicted. (Cassandra also checks
        // with an echo round trip that it is reachable from here; gossip alone is trusted here.)
        if live.insert(endpoint).inserted { outputs.append(.alive(endpoint)) }
    }

    static func isShutDown(_ state: EndpointState) -> Bool {
        guard let text = state[.status], case .shutdown = NodeStatus(text) else { return false }
        return true
    }

    /// REMOVING, or LEFT: states another node may set on a dead node's behalf.
    static func isSpokenFor(_ state: EndpointState) -> Bool {
        guard let text = state[.status], let status = NodeStatus(text) else { return false }
        switch status {
        case .removing, .left: return true
        default: return false
        }
    }

    static func hasLeft(_ state: EndpointState) -> Bool {
        guard let text = state[.status], case .left = NodeStatus(text) else { return false }
        return true
    }

    mutating func scheduleRemovalIfLeft(_ endpoint: NodeAddress, now: MonotonicTime) {
        guard removalDeadlines[endpoint] == nil, let state = endpointStates[endpoint], Self.hasLeft(state) else { return }
        removalDeadlines[endpoint] = now + configuration.quarantineDelay
    }
}
