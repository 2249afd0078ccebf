import NIOCore

/// A `[value]` (spec §3): bound variables may be null (-1) or, since v4, "not set" (-2), which
/// leaves the column untouched in INSERT/UPDATE.
public enum CQLBoundValue: Hashable, Sendable {
    case null
    case unset
    case bytes([UInt8])
}

// [bytes], [short bytes], [value], [bytes map] (spec §3).
extension ByteBuffer {
    /// `[bytes]`: a negative length is null.
    mutating func readCQLBytes() throws -> [UInt8]? {
        let length = try readCQLInt()
        guard length >= 0 else { return nil }
        guard let bytes = readBytes(length: Int(length)) else { throw CQLNeedMoreBytes() }
        return bytes
    }

    mutating func readCQLShortBytes() throws -> [UInt8] {
        let length = Int(try readCQLShort())
        guard let bytes = readBytes(length: length) else { throw CQLNeedMoreBytes() }
        return bytes
    }

    mutating func readCQLValue(_ field: String) throws -> CQLBoundValue {
        let length = try readCQLInt()
        switch length {
        case -1: return .null
        case -2: return .unset
        case ..<(-2): throw CQLProtocolError.invalidLength(field: field, length: length)
        default:
            guard let bytes = readBytes(length: Int(length)) else { throw CQLNeedMoreBytes() }
            return .bytes(bytes)
        }
    }

    /// Custom payloads are `[bytes map]`; a null value has no use there, so it is rejected
    /// rather than modelled.
    mutating func readCQLBytesMap(_ field: String) throws -> [String: [UInt8]] {
        let count = try readCQLCount(field, minimumElementSize: 6, wide: false)
        var map: [String: [UInt8]] = [:]
        for _ in 0..<count {
            let key = try readCQLString(field)
            guard let value = try readCQLBytes() else {
                throw CQLProtocolError.invalidLength(field: field + " value", length: -1)
            }
            guard map.updateValue(value, forKey: key) == nil else {
                throw CQLProtocolError.duplicateKey(field: field, key: key)
            }
        }
        return map
    }

    @discardableResult
    mutating func writeCQLBytes(_ bytes: [UInt8]?) -> Int {
        guard let bytes else { return writeInteger(Int32(-1)) }
        return writeCQLIntCount(bytes.count) + writeBytes(bytes)
    }

    @discardableResult
    mutating func writeCQLShortBytes(_ bytes: [UInt8]) -> Int {
        writeCQLShortCount(bytes.count) + writeBytes(bytes)
    }

    @discardableResult
    mutating func writeCQLValue(_ value: CQLBoundValue) -> Int {
        switch value {
        case .null: writeInteger(Int32(-1))
        case .unset: writeInteger(Int32(-2))
        case .bytes(let bytes): writeCQLBytes(bytes)
        }
    }

    @discardableResult
    mutating func writeCQLBytesMap(_ map: [String: [UInt8]]) -> Int {
        map.keys.sorted().reduce(writeCQLShortCount(map.count)) { written, key in
            written + writeCQLString(key) + writeCQLBytes(map[key]!)
        }
    }
}
