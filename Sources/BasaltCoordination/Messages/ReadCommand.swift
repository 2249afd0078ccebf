import BasaltCore

/// A single-partition read sent to a replica (verbs READ_DATA and READ_DIGEST share it): which
/// table, which partition, which clustering slice. The replica answers with what it holds, merged
/// but not resolved (tombstones included), so the coordinator can reconcile replicas.
///
/// Bytes (docs/formats/replica-messages.md): table id (16) · key (varint length + bytes) ·
/// slice start bound · slice end bound (each: u8 inclusive, varint length + prefix).
public struct ReadCommand: Hashable, Sendable {
    public var table: TableID
    public var key: PartitionKey
    public var slice: ClusteringSlice

    public init(table: TableID, key: PartitionKey, slice: ClusteringSlice) {
        self.table = table
        self.key = key
        self.slice = slice
    }

    public func encoded() -> [UInt8] {
        var w = ByteWriter()
        DataCodec.writeTableID(table, to: &w)
        w.writeLengthPrefixed(key.bytes)
        DataCodec.write(slice.start, to: &w)
        DataCodec.write(slice.end, to: &w)
        return w.bytes
    }

    public init(decoding bytes: [UInt8]) throws(DecodeError) {
        var r = ByteReader(bytes)
        table = try DataCodec.readTableID(&r)
        // The token is recomputed rather than trusted from the wire.
        key = PartitionKey(try r.readLengthPrefixed(limit: PartitionKey.maximumLength, "partition key"))
        slice = ClusteringSlice(start: try DataCodec.readBound(&r), end: try DataCodec.readBound(&r))
        try r.expectEnd("read command")
    }
}

/// A replica's answer to READ_DATA: its merged facts for the slice, or nothing.
public enum ReadDataResponse {
    public static func encode(_ update: PartitionUpdate?) -> [UInt8] {
        var w = ByteWriter()
        if let update {
            w.write(UInt8(1))
            DataCodec.write(update, to: &w)
        } else {
            w.write(UInt8(0))
        }
        return w.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(DecodeError) -> PartitionUpdate? {
        var r = ByteReader(bytes)
        let present = try r.readByte("data presence")
        guard present <= 1 else { throw .malformed(what: "data presence \(present)", offset: 0) }
        let update = present == 1 ? try DataCodec.readPartitionUpdate(&r) : nil
        try r.expectEnd("read data response")
        return update
    }
}

/// A replica's answer to READ_DIGEST: 16 bytes, high then low word, big-endian.
extension PartitionDigest {
    public func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.write(bigEndian: high)
        w.write(bigEndian: low)
        return w.bytes
    }

    public init(decoding bytes: [UInt8]) throws(DecodeError) {
        var r = ByteReader(bytes)
        let high = try r.read(UInt64.self, "digest")
        let low = try r.read(UInt64.self, "digest")
        try r.expectEnd("digest")
        self.init(high: high, low: low)
    }
}

extension ByteReader {
    /// Every message is exactly one payload: trailing bytes mean sender and receiver disagree on
    /// the format, which must not pass silently.
    public func expectEnd(_ what: String) throws(DecodeError) {
        if !isAtEnd { throw .malformed(what: "\(remaining) trailing bytes after \(what)", offset: offset) }
    }
}
