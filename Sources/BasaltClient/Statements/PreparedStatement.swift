import BasaltCore
import BasaltCQLProtocol
import Synchronization

/// A statement the nodes have parsed once and know by its id (`BasaltClient.prepare`).
///
/// The client prepares it on every host once and caches it by its text, so preparing the same
/// text again is free. A node that forgot it (a restart) answers UNPREPARED; the client then
/// prepares it again on that node and re-executes, transparently. Its markers' types let values
/// be checked and converted on the client, and its partition-key positions let each execution go
/// straight to a replica of its partition.
public final class PreparedStatement: Sendable {
    /// The CQL text, as prepared.
    public let query: String
    let id: [UInt8]
    private let metadata: Mutex<Metadata>

    struct Metadata: Sendable {
        var bindMarkers: [CQLColumnSpec]
        var partitionKeyIndexes: [Int]
        var resultColumns: ColumnDefinitions?
        /// Cleared by a schema change to the statement's table: results then carry their own
        /// metadata until a fresh PREPARED result arrives.
        var resultColumnsAreCurrent: Bool
    }

    init(query: String, prepared: CQLPrepared) {
        self.query = query
        id = prepared.id
        metadata = Mutex(Self.metadata(of: prepared))
    }

    private static func metadata(of prepared: CQLPrepared) -> Metadata {
        let columns = prepared.resultMetadata.columns.flatMap { $0.isEmpty ? nil : ColumnDefinitions($0) }
        return Metadata(
            bindMarkers: prepared.bindMarkers, partitionKeyIndexes: prepared.partitionKeyIndexes.map(Int.init),
            resultColumns: columns, resultColumnsAreCurrent: true)
    }

    /// The markers in order, with the names and types the node gave them.
    public var bindMarkers: [CQLColumnSpec] { metadata.withLock { $0.bindMarkers } }

    /// The columns a SELECT returns; nil for statements that return no rows.
    public var resultColumns: ColumnDefinitions? { metadata.withLock { $0.resultColumns } }

    /// The table the statement reads or writes, as its markers or result columns name it.
    var table: (keyspace: String, name: String)? {
        metadata.withLock { metadata in
            let spec = metadata.bindMarkers.first ?? metadata.resultColumns?.specs.first
            return spec.map { ($0.keyspace, $0.table) }
        }
    }

    /// The result columns to use when the node skips metadata, nil when it must send them.
    var cachedResultColumns: ColumnDefinitions? {
        metadata.withLock { $0.resultColumnsAreCurrent ? $0.resultColumns : nil }
    }

    /// A re-prepare after a restart or a schema change brings the current markers and columns.
    func update(from prepared: CQLPrepared) {
        metadata.withLock { $0 = Self.metadata(of: prepared) }
    }

    func invalidateResultColumns() {
        metadata.withLock { $0.resultColumnsAreCurrent = false }
    }

    /// Rows that came with their metadata after an invalidation show the current columns.
    func adoptResultColumns(_ columns: ColumnDefinitions) {
        metadata.withLock { metadata in
            metadata.resultColumns = columns
            metadata.resultColumnsAreCurrent = true
        }
    }

    /// Binds values to the markers in order, one per marker.
    public func bind(_ values: any CQLEncodable...) throws -> Statement {
        try bind(values: values)
    }

    /// Binds values to the markers in order, one per marker.
    public func bind(values: [any CQLEncodable]) throws -> Statement {
        let (markers, keyIndexes) = metadata.withLock { ($0.bindMarkers, $0.partitionKeyIndexes) }
        guard values.count == markers.count else {
            throw BasaltClientError.invalidValue(
                message: "\(values.count) values for the \(markers.count) markers of \(query)")
        }
        var bound: [CQLBoundValue] = []
        bound.reserveCapacity(values.count)
        for (value, marker) in zip(values, markers) {
            do {
                bound.append(try value.cqlValue.bound(as: marker.type))
            } catch {
                throw BasaltClientError.invalidValue(message: "marker \(marker.name): \(error)")
            }
        }
        return Statement(prepared: self, values: bound, routingToken: Self.token(bound, keyIndexes))
    }

    /// Binds values by marker name (the column name for `?`, the name for `:name`). Markers
    /// without a value are sent as "unset", which leaves their column untouched in a write.
    public func bind(named values: [String: any CQLEncodable]) throws -> Statement {
        let (markers, keyIndexes) = metadata.withLock { ($0.bindMarkers, $0.partitionKeyIndexes) }
        if let unknown = values.keys.first(where: { name in !markers.contains { $0.name == name } }) {
            throw BasaltClientError.invalidValue(message: "no marker named \(unknown) in \(query)")
        }
        var bound: [CQLBoundValue] = []
        bound.reserveCapacity(markers.count)
        for marker in markers {
            guard let value = values[marker.name] else {
                bound.append(.unset)
                continue
            }
            do {
                bound.append(try value.cqlValue.bound(as: marker.type))
            } catch {
                throw BasaltClientError.invalidValue(message: "marker \(marker.name): \(error)")
            }
        }
        return Statement(prepared: self, values: bound, routingToken: Self.token(bound, keyIndexes))
    }

    /// The Murmur3 token of the bound partition key, when every key component has a value.
    static func token(_ values: [CQLBoundValue], _ keyIndexes: [Int]) -> Int64? {
        guard let key = routingKey(values, keyIndexes) else { return nil }
        return Murmur3.token(key)
    }

    /// The bytes the node hashes: the one value, or the CompositeType of several (notes §3).
    static func routingKey(_ values: [CQLBoundValue], _ keyIndexes: [Int]) -> [UInt8]? {
        guard !keyIndexes.isEmpty else { return nil }
        if keyIndexes.count == 1 {
            guard keyIndexes[0] < values.count, case .bytes(let bytes) = values[keyIndexes[0]] else { return nil }
            return bytes
        }
        var components: [[UInt8]] = []
        components.reserveCapacity(keyIndexes.count)
        for index in keyIndexes {
            guard index < values.count, case .bytes(let bytes) = values[index], bytes.count <= Int(UInt16.max) else {
                return nil
            }
            components.append(bytes)
        }
        return PartitionKeyEncoding.encode(components)
    }
}
