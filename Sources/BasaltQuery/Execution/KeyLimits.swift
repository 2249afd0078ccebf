import BasaltCore
import BasaltCQLProtocol

/// Cassandra's limits on the keys of a statement, checked before anything reaches storage:
/// a partition key is at most 65535 bytes and never empty, each clustering value (and, as in
/// Cassandra 5, all of them together) at most 65535 bytes. Storage refuses what it cannot read
/// back on its own too (`StorageError.keyTooLarge`), but with its own lengths, not the client's.
enum KeyLimits {
    static let maximum = 65_535

    static func tooLong(_ length: Int) -> QueryError {
        .invalid("Key length of \(length) is longer than maximum of \(maximum)")
    }

    /// `bytes` is the key as stored: the value of a single-column key, CompositeType otherwise.
    static func checkPartitionKey(_ bytes: [UInt8]) throws(QueryError) {
        if bytes.isEmpty { throw .invalid("Key may not be empty") }
        if bytes.count > maximum { throw tooLong(bytes.count) }
    }

    /// `sizes` are the serialized lengths of one clustering's values; `encodedLength` is the length
    /// of its byte-comparable form, which storage bounds by the same figure.
    static func checkClustering(sizes: [Int], encodedLength: Int) throws(QueryError) {
        let total = sizes.reduce(0, +)
        if sizes.contains(where: { $0 > maximum }) || total > maximum { throw tooLong(total) }
        if encodedLength > Clustering.maximumLength { throw tooLong(encodedLength) }
    }
}
