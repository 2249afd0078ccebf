import BasaltCore
import BasaltCQLProtocol

extension CQLValue {
    /// The value in the one form Cassandra stores and compares: set elements sorted by the element
    /// type's order without duplicates, map entries sorted by key (the last of equal keys wins, as
    /// when Cassandra reads a serialized map), at every level of nesting. A frozen set or map is
    /// stored as its serialized bytes, so without this `{1, 2}` and `{2, 1}` would be different keys.
    func canonical(as type: CQLDataType) -> CQLValue {
        switch (self, type) {
        case (.set(let items), .set(let element)):
            var seen: Set<[UInt8]> = []
            let keyed = items.map { item in
                let value = item.canonical(as: element)
                return (order: Self.order(value, element), value: value)
            }
            return .set(keyed.filter { seen.insert($0.order).inserted }.sorted { compareBytes($0.order, $1.order) < 0 }.map(\.value))
        case (.list(let items), .list(let element)):
            return .list(items.map { $0.canonical(as: element) })
        case (.map(let entries), .map(let keyType, let valueType)):
            var latest: [[UInt8]: CQLMapEntry] = [:]
            for entry in entries {
                let key = entry.key.canonical(as: keyType)
                latest[Self.order(key, keyType)] = CQLMapEntry(key: key, value: entry.value.canonical(as: valueType))
            }
            return .map(latest.sorted { compareBytes($0.key, $1.key) < 0 }.map(\.value))
        case (.tuple(let items), .tuple(let types)):
            return .tuple(zip(items, types).map { $0.canonical(as: $1) } + items.dropFirst(types.count))
        default:
            return self
        }
    }

    /// Bytes in the type's order; a type that cannot cluster falls back to its serialized form.
    private static func order(_ value: CQLValue, _ type: CQLDataType) -> [UInt8] {
        if let key = try? ClusteringEncoding.sortKey(value, as: type) { return key }
        return ((try? value.serialize(as: type)) ?? nil) ?? []
    }
}
