import BasaltCQLProtocol
import Testing

@testable import BasaltClient

/// Contact points, and the hosts read from `system.local` / `system.peers` rows.
@Suite struct ClusterMetadataTests {
    @Test(arguments: [
        ("10.0.0.1", Endpoint(host: "10.0.0.1", port: 9042)), ("10.0.0.1:9043", Endpoint(host: "10.0.0.1", port: 9043)),
        ("node-a", Endpoint(host: "node-a", port: 9042)), ("[::1]:19042", Endpoint(host: "::1", port: 19042)),
        ("[::1]", Endpoint(host: "::1", port: 9042)), ("::1", Endpoint(host: "::1", port: 9042)),
    ])
    func contactPointsParse(text: String, endpoint: Endpoint) {
        #expect(Endpoint(text, defaultPort: 9042) == endpoint)
    }

    @Test(arguments: ["", "host:0", "host:x", "[::1", ":9042"])
    func badContactPointsAreRefused(text: String) {
        #expect(Endpoint(text, defaultPort: 9042) == nil)
    }

    static let peerColumns = ColumnDefinitions(
        [("peer", CQLDataType.inet), ("rpc_address", .inet), ("data_center", .text), ("rack", .text), ("host_id", .uuid),
         ("tokens", .set(.text)), ("schema_version", .uuid)]
            .map { CQLColumnSpec(keyspace: "system", table: "peers", name: $0.0, type: $0.1) })

    static func row(_ columns: ColumnDefinitions, _ values: [CQLValue]) -> Row {
        Row(columns: columns, cells: zip(values, columns.specs).map { try! $0.serialize(as: $1.type) })
    }

    static func peer(_ peer: String, rpc: String?, dc: String? = "dc1", hostID: Bool = true, tokens: [String] = ["5"]) -> Row {
        row(peerColumns, [
            .inet(CQLInet(peer)!), rpc.map { .inet(CQLInet($0)!) } ?? .null, dc.map(CQLValue.text) ?? .null, .text("r1"),
            hostID ? .uuid(CQLUUID(high: 1, low: UInt64(peer.count))) : .null, .set(tokens.map(CQLValue.text)),
            .uuid(CQLUUID(high: 9, low: 9)),
        ])
    }

    @Test func peersBecomeHostsUnlessIncomplete() {
        let localColumns = ColumnDefinitions(
            [("data_center", CQLDataType.text), ("rack", .text), ("host_id", .uuid), ("tokens", .set(.text))]
                .map { CQLColumnSpec(keyspace: "system", table: "local", name: $0.0, type: $0.1) })
        let local = Self.row(localColumns, [.text("dc1"), .text("r1"), .uuid(CQLUUID(high: 0, low: 1)), .set([.text("-3"), .text("7")])])
        let hosts = SystemPeers.hosts(
            local: local, localEndpoint: Endpoint(host: "127.0.0.1", port: 9042),
            peers: [
                Self.peer("127.0.0.2", rpc: "127.0.0.2"),
                Self.peer("127.0.0.3", rpc: "0.0.0.0"),  // wildcard: use peer
                Self.peer("127.0.0.4", rpc: nil, dc: nil),  // joining: no data center yet
                Self.peer("127.0.0.5", rpc: "127.0.0.5", hostID: false),
                Self.peer("127.0.0.6", rpc: "127.0.0.6", tokens: []),
                Self.peer("127.0.0.1", rpc: "127.0.0.1"),  // the local node itself
            ],
            port: 9042)
        #expect(hosts.map(\.endpoint.host) == ["127.0.0.1", "127.0.0.2", "127.0.0.3"])
        #expect(hosts[0].tokens == [-3, 7])
        #expect(hosts[1].tokens == [5] && hosts[1].dataCenter == "dc1" && hosts[1].rack == "r1")
    }
}
