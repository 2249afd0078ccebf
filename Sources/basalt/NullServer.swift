import ArgumentParser
import BasaltCQLProtocol
import BasaltQuery
import BasaltServer
import Foundation
import Synchronization

/// `basalt debug null-server`: the node's native-protocol layer with a query layer that does no
/// work, to measure what a client (or the protocol layer itself) costs: "is the client the
/// bottleneck?". The handshake, system tables, DDL and PREPARE are answered by a real query layer
/// (over a throw-away data directory), because drivers read them while connecting; every EXECUTE
/// and BATCH is answered at once, VOID for writes and no rows for reads.
struct NullServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "null-server", abstract: "A CQL server that answers EXECUTE and BATCH instantly.")

    @Option(name: .customLong("listen-address")) var listenAddress = "127.0.0.1"
    @Option var port = 9042

    func run() async throws {
        let directory = NSTemporaryDirectory() + "basalt-null-server-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = try NodeConfiguration.load(path: nil, overrides: [
            "listen_address": listenAddress, "native_transport_port": "\(port)", "data_directory": directory,
            "cluster_name": "null-server", "commitlog_sync": "periodic", "storage_port": "0",
            "admin_port": "0",
        ])
        // No drain: a test tool stopped by its signal.
        let node = try Start.node(configuration, tls: NodeTLS(), drain: {})
        let runner = NodeRunner(configuration: configuration) { storage, connections, logger in
            let services = try await node(storage, connections, logger)
            return NodeServices(handler: NullRequestHandler(queryLayer: services.handler), stop: services.stop)
        }
        try await runner.run()
    }
}

/// Forwards what drivers need answered for real, and answers EXECUTE and BATCH with nothing.
final class NullRequestHandler: CQLRequestHandler {
    private let queryLayer: any CQLRequestHandler
    /// The result columns of each statement prepared through this server (empty: no rows).
    private let resultColumns = Mutex<[[UInt8]: [CQLColumnSpec]]>([:])

    init(queryLayer: any CQLRequestHandler) {
        self.queryLayer = queryLayer
    }

    func handle(_ request: CQLRequest, session: CQLSession) async -> CQLResponse {
        switch request {
        case .execute(let execute):
            guard let columns = resultColumns.withLock({ $0[execute.id] }) else {
                return await queryLayer.handle(request, session: session)
            }
            guard !columns.isEmpty else { return .result(.void) }
            let metadata = execute.parameters.skipMetadata
                ? CQLRowsMetadata(noMetadataColumnCount: columns.count) : CQLRowsMetadata(columns: columns)
            return .result(.rows(CQLRows(metadata: metadata, rows: [])))
        case .batch:
            return .result(.void)
        case .prepare:
            let response = await queryLayer.handle(request, session: session)
            if case .result(.prepared(let prepared)) = response {
                resultColumns.withLock { $0[prepared.id] = prepared.resultMetadata.columns ?? [] }
            }
            return response
        case .query, .startup, .options, .register, .authResponse:
            return await queryLayer.handle(request, session: session)
        }
    }
}
