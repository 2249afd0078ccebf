import BasaltCluster
import BasaltCore
import BasaltFileSystem
import Foundation
import Testing
@testable import BasaltReplication

/// The ring a node saves and a restarted node puts back before it gossips.
@Suite struct SavedPeersTests {
    static let local = NodeAddress(host: "127.0.0.1")
    static let peer = NodeAddress(host: "127.0.0.2")

    static func state() -> ClusterState {
        var gossiper = Gossiper(local: local, generation: 1_700_000_000, seeds: [local], clusterName: "Test")
        gossiper.setLocalState(.status, NodeStatus.normal(tokens: [100]).description)
        return ClusterState(gossiper: gossiper, dataCenter: "dc1", clock: { MonotonicTime(nanoseconds: 0) })
    }

    static let saved = SavedPeers(peers: [peer: [.status: NodeStatus.normal(tokens: [-100]).description, .tokens: "-100",
                                                 .dataCenter: "dc1", .rack: "r1", .hostID: "00000000-0000-4000-8000-000000000002"]])

    @Test func restoredPeersOwnTheirTokensAndAreDown() {
        let state = Self.state()
        Self.saved.restore(into: state)
        #expect(state.tokenRing.tokens(of: Self.peer) == [-100])
        #expect(!state.isAlive(Self.peer))
        // Saving again keeps what was restored, though nothing was heard of the peer yet.
        #expect(SavedPeers(of: state) == Self.saved)
    }

    @Test func saveAndLoadRoundTripAndABadFileIsRefused() throws {
        let directory = "/tmp/basalt-peers-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fileSystem = PosixFileSystem()
        try fileSystem.makeDirectories(directory)
        #expect(try SavedPeers.load(directory: directory, fileSystem: fileSystem) == SavedPeers())
        try Self.saved.save(directory: directory, fileSystem: fileSystem)
        #expect(try SavedPeers.load(directory: directory, fileSystem: fileSystem) == Self.saved)
        try fileSystem.writeAtomically(Array(#"[{"host": "127.0.0.2"}]"#.utf8), to: directory + "/peers", directory: directory)
        #expect(throws: SavedPeers.Malformed.self) { try SavedPeers.load(directory: directory, fileSystem: fileSystem) }
    }
}
