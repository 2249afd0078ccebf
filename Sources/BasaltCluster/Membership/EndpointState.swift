/// A node's liveness counter (Cassandra's `HeartBeatState`). The generation is the second the node
/// process started (so it grows across restarts); the version grows while the process runs. A newer
/// generation means the node restarted and replaces everything known about the old process.
public struct HeartbeatState: Hashable, Sendable, CustomStringConvertible {
    public var generation: Int64
    public var version: Int64

    public init(generation: Int64, version: Int64) {
        precondition(generation >= 0 && version >= 0, "negative heartbeat \(generation):\(version)")
        self.generation = generation
        self.version = version
    }

    public var description: String { "\(generation):\(version)" }
}

/// Everything gossip carries about one node: its heartbeat and its versioned application states.
/// In a message it may be a delta (only the states above some version); in a `Gossiper` it is the
/// whole state as far as that node knows it.
public struct EndpointState: Hashable, Sendable, CustomStringConvertible {
    public var heartbeat: HeartbeatState
    public var applicationStates: [ApplicationStateKey: VersionedValue]

    public init(heartbeat: HeartbeatState, applicationStates: [ApplicationStateKey: VersionedValue] = [:]) {
        self.heartbeat = heartbeat
        self.applicationStates = applicationStates
    }

    public subscript(key: ApplicationStateKey) -> String? { applicationStates[key]?.value }

    /// A state `Gossiper.restore` put back from what an earlier process saved (generation 0): no
    /// process of the node has been heard from yet.
    public var isRestored: Bool { heartbeat.generation == 0 }

    /// The highest version in the state: what a digest advertises.
    public var maxVersion: Int64 {
        applicationStates.values.reduce(heartbeat.version) { max($0, $1.version) }
    }

    /// The heartbeat and the application states with a version above `version` (all for 0): what a
    /// peer that has seen up to `version` of this generation is missing.
    public func delta(after version: Int64) -> EndpointState {
        EndpointState(heartbeat: heartbeat, applicationStates: applicationStates.filter { $0.value.version > version })
    }

    public var description: String {
        let states = applicationStates.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return "heartbeat \(heartbeat)" + (states.isEmpty ? "" : ", " + states.joined(separator: ", "))
    }
}
