import BasaltCoordination
import BasaltCore
import BasaltCQLProtocol
import BasaltQuery
import BasaltStorage

/// What a node does as a replica when a coordinator asks: apply a mutation, answer a read with
/// data or a digest, read a token range, truncate, and exchange schema. Each handler takes and
/// returns message payloads (`BasaltCoordination/Messages`); the transport carries them.
public final class ReplicaService: Sendable {
    /// A range read stops adding partitions once its answer passes this size, so one answer stays
    /// a bounded frame even for wide partitions (at least one partition is always sent).
    public static let rangeReadByteBudget = 4 << 20

    let engine: StorageEngine
    let catalog: SchemaCatalog
    let repairTrees = RepairTreeCache()

    public init(engine: StorageEngine, catalog: SchemaCatalog) {
        self.engine = engine
        self.catalog = catalog
    }

    /// The one dispatch of a replica request, whoever carries it (the internode messenger, or a
    /// simulated network): the payload in, the answer's payload out. SCHEMA_PUSH is not here: the
    /// node merges pushed schema through `SchemaSync`, which also tells its clients and gossip.
    public func handle(_ verb: ReplicaVerb, payload: [UInt8]) async throws -> [UInt8] {
        switch verb {
        case .mutation, .hint: try await applyMutation(payload)
        case .readData: try readData(payload)
        case .readDigest: try readDigest(payload)
        case .rangeRead: try rangeRead(payload)
        case .truncate: try truncate(payload)
        case .schemaPull: try schemaPull()
        case .repairTree: try repairTree(payload)
        case .schemaPush: throw ReplicaError.notAReplicaVerb(verb)
        }
    }

    /// Applies a mutation and answers once it is durable (the commit log's group commit). A
    /// mutation for a table this node does not know is refused whole, so the coordinator counts a
    /// failure instead of an acknowledgement for data that was not stored.
    public func applyMutation(_ payload: [UInt8]) async throws -> [UInt8] {
        let mutation = try DataCodec.decodeMutation(payload)
        for update in mutation.updates where engine.table(update.table) == nil {
            throw ReplicaError.unknownTable(update.table)
        }
        try await engine.write(mutation)
        return []
    }

    public func readData(_ payload: [UInt8]) throws -> [UInt8] {
        ReadDataResponse.encode(try read(ReadCommand(decoding: payload)))
    }

    public func readDigest(_ payload: [UInt8]) throws -> [UInt8] {
        PartitionDigest(of: try read(ReadCommand(decoding: payload))).encoded()
    }

    /// The replica's merged, unresolved facts for a read (also used directly when the
    /// coordinator is itself a replica).
    public func read(_ command: ReadCommand) throws -> PartitionUpdate? {
        try storage(command.table).readMerged(command.key, slice: command.slice)
    }

    /// RANGE_READ from another node: each partition is encoded once, straight into the answer, which
    /// also measures it against the byte budget that keeps the frame bounded.
    public func rangeRead(_ payload: [UInt8]) throws -> [UInt8] {
        var body = ByteWriter()
        var count = 0
        let exhausted = try scan(RangeReadCommand(decoding: payload)) { partition in
            DataCodec.write(partition, to: &body)
            count += 1
            return body.bytes.count < Self.rangeReadByteBudget
        }
        return RangeReadResponse.encode(exhausted: exhausted, count: count, body: body.bytes)
    }

    /// A range read when the coordinator is itself a replica: nothing crosses the network, so only
    /// the partition limit applies.
    public func rangeRead(_ command: RangeReadCommand) throws -> RangeReadResponse {
        var partitions: [PartitionUpdate] = []
        let exhausted = try scan(command) { partitions.append($0); return true }
        return RangeReadResponse(partitions: partitions, exhausted: exhausted)
    }

    /// Hands `take` the command's partitions in token order (merged, unresolved) until the limit,
    /// the end of the range, or `take` returning false. Returns whether the range was exhausted.
    private func scan(_ command: RangeReadCommand, take: (PartitionUpdate) -> Bool) throws -> Bool {
        let scanner = try storage(command.table).scanner(from: command.start, inclusive: command.inclusive,
                                                         endToken: command.endToken)
        var taken = 0
        while taken < command.limit {
            guard let partition = try scanner.nextMerged() else { return true }
            taken += 1
            if !take(partition) { return false }
        }
        return false
    }

    /// TRUNCATE payload: the table id (16 bytes).
    public func truncate(_ payload: [UInt8]) throws -> [UInt8] {
        var reader = ByteReader(payload)
        let table = try DataCodec.readTableID(&reader)
        try reader.expectEnd("truncate")
        try engine.truncate(table)
        return []
    }

    /// SCHEMA_PULL: every schema fact this node holds, as one mutation.
    public func schemaPull() throws -> [UInt8] {
        DataCodec.encode(Mutation(try catalog.schemaFacts()))
    }

    func storage(_ id: TableID) throws -> Table {
        guard let table = engine.table(id) else { throw ReplicaError.unknownTable(id) }
        return table
    }
}

/// A replica's refusal, carried back to the coordinator as an error response.
public enum ReplicaError: Error, Hashable, Sendable, CustomStringConvertible {
    case unknownTable(TableID)
    case notAReplicaVerb(ReplicaVerb)

    public var description: String {
        switch self {
        case .unknownTable(let id): "unknown table \(id)"
        case .notAReplicaVerb(let verb): "\(verb) is not served by the replica service"
        }
    }
}
