import BasaltCQLProtocol
import BasaltStorage
import Foundation
import Testing
@testable import BasaltQuery

@Suite struct PeerRowsTests {
    struct FixedPeers: PeerDirectory {
        var peers: [PeerInfo]
    }

    @Test func peersAndPeersV2ShowWhatTheDirectoryKnows() async throws {
        let harness = try Harness()
        let id = UUID()
        let peer = PeerInfo(address: "127.0.0.2", port: 7000, nativeAddress: "127.0.0.2", nativePort: 9042, dataCenter: "dc1",
                            rack: "r1", hostID: id, tokens: [5, -3], releaseVersion: "5.0.0", schemaVersion: nil)
        harness.processor = QueryProcessor(engine: harness.engine, catalog: harness.processor.catalog, node: NodeIdentity(),
                                           events: nil, peers: FixedPeers(peers: [peer]))
        let v2 = try await harness.rows("SELECT peer, peer_port, native_port, host_id, tokens, schema_version FROM system.peers_v2")
        #expect(v2 == [[.inet(CQLInet("127.0.0.2")!), .int(7000), .int(9042), .uuid(CQLUUID(id)),
                        .set([.text("-3"), .text("5")]), .null]])
        let v1 = try await harness.rows("SELECT peer, rpc_address, data_center, rack FROM system.peers")
        #expect(v1 == [[.inet(CQLInet("127.0.0.2")!), .inet(CQLInet("127.0.0.2")!), .text("dc1"), .text("r1")]])
    }
}
