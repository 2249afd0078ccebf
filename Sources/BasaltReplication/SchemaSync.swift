import BasaltCore
import BasaltCQLProtocol
import BasaltQuery
import Foundation
import Logging
import Synchronization

/// Keeps every node's schema equal. A local change is pushed to every live node before the DDL is
/// answered (so the driver's agreement wait ends quickly); a node whose gossiped schema version
/// differs from ours is pulled from and merged. Schema facts are last-write-wins cells, so pushes
/// and pulls in any order converge to the same schema and the same `schema_version`.
public final class SchemaSync: @unchecked Sendable {
    let catalog: SchemaCatalog
    let view: ClusterView
    let transport: ReplicaTransport
    let events: CQLEventSink?
    let logger: Logger
    let timeout: Duration
    /// One reconciliation at a time: each gossip round asks for one, and a pull that waits on a slow
    /// peer must not pile up others behind it.
    private let reconciling = Mutex(false)

    public init(catalog: SchemaCatalog, view: ClusterView, transport: ReplicaTransport, events: CQLEventSink?,
                timeout: Duration = .seconds(5), logger: Logger = Logger(label: "basalt.schema")) {
        self.catalog = catalog
        self.view = view
        self.transport = transport
        self.events = events
        self.timeout = timeout
        self.logger = logger
    }

    /// Sends `facts` to every live node and waits (at most `timeout`) for their answers. Nodes
    /// that miss it catch up by pulling when gossip shows them a different version.
    public func push(_ facts: [PartitionUpdate]) async {
        let payload = DataCodec.encode(Mutation(facts))
        await withTaskGroup(of: Void.self) { group in
            for member in view.members where member.isAlive && member.address != view.localAddress {
                group.addTask {
                    do {
                        let answer = try await self.transport.request(.schemaPush, payload: payload, to: member.address,
                                                                      timeout: self.timeout)
                        if answer.count == 16 {
                            let version = answer.withUnsafeBytes { UUID(uuid: $0.loadUnaligned(as: uuid_t.self)) }
                            self.view.noteSchemaVersion(version, of: member.address)
                        }
                    } catch {
                        self.logger.warning("schema push failed", metadata: ["to": "\(member.address)", "error": "\(error)"])
                    }
                }
            }
        }
    }

    /// Pulls from every live node whose schema version differs from ours and merges what it has.
    /// Called periodically (each gossip round is enough).
    public func reconcile() async {
        guard reconciling.withLock({ running in defer { running = true }; return !running }) else { return }
        defer { reconciling.withLock { $0 = false } }
        let local = catalog.schemaVersion
        for member in view.members where member.isAlive && member.address != view.localAddress {
            guard let version = view.schemaVersion(of: member.address), version != local else { continue }
            do {
                let bytes = try await transport.request(.schemaPull, payload: [], to: member.address, timeout: timeout)
                try apply(DataCodec.decodeMutation(bytes).updates)
            } catch {
                logger.warning("schema pull failed", metadata: ["from": "\(member.address)", "error": "\(error)"])
            }
        }
    }

    /// Answers another node's SCHEMA_PUSH, whoever carries it (the messenger or a simulated
    /// network): merges the facts and returns this node's schema version (16 bytes), which the
    /// pusher notes as this node's. The caller gossips the new version.
    public func receivePush(_ payload: [UInt8]) throws -> [UInt8] {
        try apply(DataCodec.decodeMutation(payload).updates)
        return withUnsafeBytes(of: catalog.schemaVersion.uuid) { Array($0) }
    }

    /// Merges facts from another node (push or pull) and tells this node's clients what changed.
    public func apply(_ facts: [PartitionUpdate]) throws {
        for change in try catalog.mergeSchemaFacts(facts) { events?.publish(.schemaChange(change)) }
    }
}
