import BasaltCluster
import BasaltCore
import BasaltFileSystem
import Foundation

/// The ring as this node last knew it, kept across restarts in `<data>/peers`: for every peer that
/// owns tokens, the states that place data (STATUS, TOKENS, DC, RACK, HOST_ID). A restarted node
/// restores them into its gossiper as unreachable peers (`Gossiper.restore`) before it gossips, so
/// it never takes the ring for itself alone — as Cassandra loads `system.peers`. Without it, a node
/// restarted while its peers were unreachable serves after the ring delay with a ring of itself
/// alone, and takes every write at ONE as the only replica: the cluster simulator showed that
/// (seed 826 of 1,000), a write to a table of RF 1 acknowledged by a node that did not own it and
/// found nowhere by later reads.
///
/// Format: JSON, `[{"host": "127.0.0.2", "port": 7000, "states": {"STATUS": "...", ...}}, ...]` in
/// address order, state names and values as gossip spells them; written atomically through the
/// data directory's `FileSystem`.
public struct SavedPeers: Equatable, Sendable {
    public var peers: [NodeAddress: [ApplicationStateKey: String]]

    static let fileName = "peers"
    static let keys: [ApplicationStateKey] = [.status, .tokens, .dataCenter, .rack, .hostID]

    public init(peers: [NodeAddress: [ApplicationStateKey: String]] = [:]) { self.peers = peers }

    /// The peers in `state`'s ring (the nodes that own tokens), with their states; restored ones
    /// are kept as they were saved, so a peer not heard from since the restart stays in the file.
    public init(of state: ClusterState) {
        var peers: [NodeAddress: [ApplicationStateKey: String]] = [:]
        for node in state.tokenRing.nodes where node != state.localAddress {
            guard let endpoint = state.state(of: node) else { continue }
            var saved: [ApplicationStateKey: String] = [:]
            for key in Self.keys { saved[key] = endpoint[key] }
            peers[node] = saved
        }
        self.peers = peers
    }

    /// Saves `state`'s peers when they differ from these (what the file holds) and becomes them.
    /// A failed write leaves the file and these as they were, so the next call tries again.
    public mutating func update(from state: ClusterState, directory: String, fileSystem: any FileSystem) throws {
        let current = SavedPeers(of: state)
        guard current != self else { return }
        try current.save(directory: directory, fileSystem: fileSystem)
        self = current
    }

    /// Puts the saved peers back into `state` as unreachable members.
    public func restore(into state: ClusterState) {
        state.restore(peers)
    }

    public struct Malformed: Error, CustomStringConvertible {
        let path: String
        let reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// The saved peers, or none when the file does not exist (a first start).
    public static func load(directory: String, fileSystem: any FileSystem) throws -> SavedPeers {
        let path = directory + "/" + fileName
        guard fileSystem.kind(of: path) == .file else { return SavedPeers() }
        let bytes = try fileSystem.readFile(path, limit: 16 << 20)
        guard let list = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]] else {
            throw Malformed(path: path, reason: "not a JSON list of peers")
        }
        let byName = Dictionary(uniqueKeysWithValues: keys.map { ($0.description, $0) })
        var peers: [NodeAddress: [ApplicationStateKey: String]] = [:]
        for entry in list {
            guard let host = entry["host"] as? String, let port = entry["port"] as? Int, let states = entry["states"] as? [String: String] else {
                throw Malformed(path: path, reason: "a peer without host, port and states: \(entry)")
            }
            var saved: [ApplicationStateKey: String] = [:]
            for (name, value) in states {
                guard let key = byName[name] else { throw Malformed(path: path, reason: "unknown state \(name) of \(host)") }
                saved[key] = value
            }
            peers[NodeAddress(host: host, port: port)] = saved
        }
        return SavedPeers(peers: peers)
    }

    public func save(directory: String, fileSystem: any FileSystem) throws {
        let list: [[String: Any]] = peers.sorted { $0.key < $1.key }.map { node, states in
            ["host": node.host, "port": node.port,
             "states": Dictionary(uniqueKeysWithValues: states.map { ($0.key.description, $0.value) })]
        }
        let bytes = try JSONSerialization.data(withJSONObject: list, options: [.sortedKeys])
        try fileSystem.writeAtomically(Array(bytes), to: directory + "/" + Self.fileName, directory: directory)
    }
}
