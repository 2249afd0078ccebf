/// A violation of the native protocol: a malformed frame or message body.
///
/// The server answers these with an ERROR `0x000A` (Protocol error); the cases carry what was
/// seen so the reply and the logs can say exactly what was wrong. Value-level problems
/// (a 3-byte int, invalid UTF-8 in a text value) are `CQLValueError` instead, because Cassandra
/// reports those as `0x2200` Invalid.
public enum CQLProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The header asked for a protocol version other than 4; `stream` is echoed in the reply.
    case unsupportedVersion(version: UInt8, stream: Int16)
    /// A request frame where a response was expected, or the other way round.
    case unexpectedDirection(versionByte: UInt8, stream: Int16)
    case unknownOpcode(UInt8, stream: Int16)
    case negativeFrameLength(Int32, stream: Int16)
    case frameTooLarge(length: Int, limit: Int, stream: Int16)
    /// The opcode is valid but cannot travel in this direction (a READY sent by a client).
    case unexpectedOpcode(CQLOpcode, stream: Int16)
    /// A message body ended before one of its fields did.
    case truncatedBody(CQLOpcode)
    /// The compressed flag was set but no compression was negotiated (or STARTUP was compressed).
    case compressionNotNegotiated
    case decompressionFailed(declaredLength: Int32, compressedLength: Int)
    /// A length field that may not be negative was, or `[value]` used a length below -2.
    case invalidLength(field: String, length: Int32)
    case invalidUTF8(field: String)
    case duplicateKey(field: String, key: String)
    case unknownConsistency(UInt16)
    case unknownBatchType(UInt8)
    case unknownBatchStatementKind(UInt8)
    case invalidFlags(field: String, flags: Int32)
    case outOfBoundTimestamp(Int64)
    case unknownResultKind(Int32)
    case unknownTypeID(UInt16)
    case typeNestingTooDeep(limit: Int)
    case invalidInetLength(UInt8)
    case unknownEnumValue(field: String, value: String)
    case partitionKeyIndexOutOfRange(index: UInt16, columnCount: Int)
    case rowsWithoutColumns(rowCount: Int32)

    public var description: String {
        switch self {
        case .unsupportedVersion(let version, _):
            // The lowercase substring "unsupported protocol version" is what makes the python
            // driver downgrade and retry (notes §0.1); keep Cassandra's wording.
            "Invalid or unsupported protocol version (\(version)); supported versions are (4/v4)"
        case .unexpectedDirection(let byte, _): "Invalid frame direction in version byte 0x\(hex(byte))"
        case .unknownOpcode(let code, _): "Unknown opcode 0x\(hex(code))"
        case .negativeFrameLength(let length, _): "Invalid frame body length \(length)"
        case .frameTooLarge(let length, let limit, _):
            "Request is too big: length \(length) exceeds maximum allowed length \(limit)."
        case .unexpectedOpcode(let opcode, _): "Unexpected message \(opcode) in this direction"
        case .truncatedBody(let opcode): "Not enough bytes to read a \(opcode) message"
        case .compressionNotNegotiated: "Compressed frame received but no compression was negotiated"
        case .decompressionFailed(let declared, let compressed):
            "Cannot decompress \(compressed) lz4 bytes to the declared \(declared) bytes"
        case .invalidLength(let field, let length): "Invalid length \(length) for \(field)"
        case .invalidUTF8(let field): "Invalid UTF-8 in \(field)"
        case .duplicateKey(let field, let key): "Duplicate key '\(key)' in \(field)"
        case .unknownConsistency(let code): "Unknown code \(code) for a consistency level"
        case .unknownBatchType(let code): "Unknown batch type \(code)"
        case .unknownBatchStatementKind(let kind): "Invalid query kind in BATCH messages. Must be 0 or 1 but got \(kind)"
        case .invalidFlags(let field, let flags): "Invalid flags 0x\(String(flags, radix: 16)) for \(field)"
        case .outOfBoundTimestamp(let value):
            "Out of bound timestamp, must be in [\(Int64.min + 1), \(Int64.max)] (got \(value))"
        case .unknownResultKind(let kind): "Unknown RESULT kind \(kind)"
        case .unknownTypeID(let id): "Unknown type id 0x\(String(id, radix: 16))"
        case .typeNestingTooDeep(let limit): "Type nesting deeper than \(limit) levels"
        case .invalidInetLength(let length): "Invalid IP address length \(length) (must be 4 or 16)"
        case .unknownEnumValue(let field, let value): "Invalid value '\(value)' for \(field)"
        case .partitionKeyIndexOutOfRange(let index, let count):
            "Partition key index \(index) is not below the bind marker count \(count)"
        case .rowsWithoutColumns(let count): "\(count) rows announced with zero columns"
        }
    }

    /// The stream the server's ERROR reply should use: the offending frame's when the header was
    /// readable, otherwise 0 (Cassandra does the same for frames it cannot attribute).
    public var replyStream: Int16 {
        switch self {
        case .unsupportedVersion(_, let stream), .unexpectedDirection(_, let stream),
            .unknownOpcode(_, let stream), .negativeFrameLength(_, let stream),
            .frameTooLarge(_, _, let stream), .unexpectedOpcode(_, let stream):
            stream
        default:
            0
        }
    }
}

private func hex(_ byte: UInt8) -> String {
    let digits = String(byte, radix: 16)
    return digits.count == 1 ? "0" + digits : digits
}
