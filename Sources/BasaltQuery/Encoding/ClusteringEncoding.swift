import BasaltCore
import BasaltCQLProtocol

/// Byte-comparable, self-delimiting encoding of clustering values (spec:
/// docs/formats/clustering-encoding.md). Unsigned byte order of the encodings equals CQL order of the
/// values, and no encoding is a proper prefix of another, so a prefix of clustering columns encodes to
/// a byte prefix of the full clustering, which is what storage slices on. A DESC column has every
/// byte of its component inverted, which reverses the order and keeps the encoding prefix-free.
enum ClusteringEncoding {
    struct Unsupported: Error { var type: CQLDataType }
    struct Malformed: Error {}

    /// Encodes the values of the leading clustering columns (a full clustering or a prefix).
    static func encode(_ values: [CQLValue], columns: [ColumnSchema]) throws -> [UInt8] {
        var out: [UInt8] = []
        for (value, column) in zip(values, columns) {
            let start = out.count
            try encode(value, as: column.dataType, into: &out)
            if column.descending {
                for i in start..<out.count { out[i] = ~out[i] }
            }
        }
        return out
    }

    /// Decodes a full clustering back into one value per clustering column.
    static func decode(_ bytes: [UInt8], columns: [ColumnSchema]) throws -> [CQLValue] {
        var reader = Reader(bytes: bytes)
        var values: [CQLValue] = []
        for column in columns {
            reader.inverted = column.descending
            values.append(try decode(as: column.dataType, from: &reader))
        }
        return values
    }

    /// The ascending encoding of one value; also the sort key for comparing values of any type that
    /// can cluster (filters, min/max, set element order).
    static func sortKey(_ value: CQLValue, as type: CQLDataType) throws -> [UInt8] {
        var out: [UInt8] = []
        try encode(value, as: type, into: &out)
        return out
    }

    // MARK: encoding

    static func encode(_ value: CQLValue, as type: CQLDataType, into out: inout [UInt8]) throws {
        switch (value, type) {
        case (.tinyint(let v), .tinyint): out.append(UInt8(bitPattern: v) ^ 0x80)
        case (.smallint(let v), .smallint): appendFlipped(UInt64(UInt16(bitPattern: v)), bytes: 2, into: &out)
        case (.int(let v), .int): appendFlipped(UInt64(UInt32(bitPattern: v)), bytes: 4, into: &out)
        case (.bigint(let v), .bigint), (.counter(let v), .counter), (.timestamp(let v), .timestamp),
             (.time(let v), .time):
            appendFlipped(UInt64(bitPattern: v), bytes: 8, into: &out)
        case (.date(let v), .date): appendBigEndian(UInt64(v), bytes: 4, into: &out)
        case (.boolean(let v), .boolean): out.append(v ? 1 : 0)
        case (.float(let v), .float):
            let bits = v.bitPattern
            appendBigEndian(UInt64(bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000), bytes: 4, into: &out)
        case (.double(let v), .double):
            let bits = v.bitPattern
            appendBigEndian(bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63), bytes: 8, into: &out)
        case (.text(let s), .text), (.ascii(let s), .ascii): appendEscaped(Array(s.utf8), into: &out)
        case (.blob(let b), .blob): appendEscaped(b, into: &out)
        case (.inet(let i), .inet): appendEscaped(i.bytes, into: &out)
        case (.uuid(let u), .uuid), (.timeuuid(let u), .timeuuid): appendUUID(u, into: &out)
        case (.varint(let v), .varint): appendVarint(v, into: &out)
        case (.decimal(let d), .decimal): appendDecimal(d, into: &out)
        case (.list(let items), .list(let element)), (.set(let items), .set(let element)):
            for item in items {
                out.append(1)
                try encode(item, as: element, into: &out)
            }
            out.append(0)
        case (.map(let entries), .map(let keyType, let valueType)):
            for entry in entries {
                out.append(1)
                try encode(entry.key, as: keyType, into: &out)
                try encode(entry.value, as: valueType, into: &out)
            }
            out.append(0)
        case (.tuple(let items), .tuple(let types)):
            for (index, elementType) in types.enumerated() {
                let item = index < items.count ? items[index] : .null
                if case .null = item {
                    out.append(0)
                } else {
                    out.append(1)
                    try encode(item, as: elementType, into: &out)
                }
            }
        default:
            throw Unsupported(type: type)
        }
    }

    private static func appendBigEndian(_ value: UInt64, bytes: Int, into out: inout [UInt8]) {
        for i in (0..<bytes).reversed() { out.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
    }

    /// Two's complement with the sign bit flipped sorts signed integers as unsigned bytes.
    private static func appendFlipped(_ value: UInt64, bytes: Int, into out: inout [UInt8]) {
        appendBigEndian(value ^ (1 << (8 * UInt64(bytes) - 1)), bytes: bytes, into: &out)
    }

    /// 0x00 becomes 0x00 0xFF and the end is 0x00 0x00: an escaped string never contains 0x00 0x00,
    /// so the terminator both delimits and sorts a string before its extensions.
    private static func appendEscaped(_ bytes: [UInt8], into out: inout [UInt8]) {
        for byte in bytes {
            out.append(byte)
            if byte == 0 { out.append(0xFF) }
        }
        out += [0, 0]
    }

    /// Cassandra orders uuids by version, then time-based ones by timestamp, then by the remaining
    /// bits; the low 8 bytes compare as signed bytes (TimeUUIDType), hence the 0x80 flips.
    private static func appendUUID(_ uuid: CQLUUID, into out: inout [UInt8]) {
        let version = UInt64(uuid.version)
        let high: UInt64
        if version == 1 {
            let timeLow = uuid.high >> 32, timeMid = (uuid.high >> 16) & 0xFFFF, timeHigh = uuid.high & 0x0FFF
            high = (timeHigh << 48 | timeMid << 32 | timeLow) << 4 | version
        } else {
            high = uuid.high
        }
        out.append(UInt8(version))
        appendBigEndian(high, bytes: 8, into: &out)
        appendBigEndian(uuid.low ^ 0x8080_8080_8080_8080, bytes: 8, into: &out)
    }

    /// A 4-byte header orders by sign, then by length of the minimal two's complement form (longer
    /// is larger for positives and smaller for negatives); equal lengths then compare as bytes.
    private static func appendVarint(_ varint: CQLVarint, into out: inout [UInt8]) {
        let length = UInt64(varint.bytes.count)
        appendBigEndian(varint.isNegative ? 0x7FFF_FFFF - length : 0x8000_0000 + length, bytes: 4, into: &out)
        out += varint.bytes
    }

    /// value = ±0.d1d2d3… × 10^exponent with d1 ≠ 0 and no trailing zero digits (so 1.5 and 1.50,
    /// equal to Cassandra, encode equally). Sign byte (0 negative, 1 zero, 2 positive); a positive
    /// magnitude is the exponent (sign-flipped Int32) then digits as 0x01…0x0A and a 0x00 end; a
    /// negative one is the same with every byte inverted.
    private static func appendDecimal(_ decimal: CQLDecimal, into out: inout [UInt8]) {
        var digits = Array(decimal.unscaled.description.utf8)
        let negative = digits.first == UInt8(ascii: "-")
        if negative { digits.removeFirst() }
        while digits.first == UInt8(ascii: "0") { digits.removeFirst() }
        if digits.isEmpty {
            out.append(1)
            return
        }
        let exponent = Int64(digits.count) - Int64(decimal.scale)
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        var magnitude: [UInt8] = []
        appendFlipped(UInt64(UInt32(bitPattern: Int32(clamping: exponent))), bytes: 4, into: &magnitude)
        magnitude += digits.map { $0 - UInt8(ascii: "0") + 1 }
        magnitude.append(0)
        out.append(negative ? 0 : 2)
        out += negative ? magnitude.map { ~$0 } : magnitude
    }

    // MARK: decoding

    struct Reader {
        var bytes: [UInt8]
        var offset = 0
        var inverted = false

        mutating func byte() throws -> UInt8 {
            guard offset < bytes.count else { throw Malformed() }
            defer { offset += 1 }
            return inverted ? ~bytes[offset] : bytes[offset]
        }

        mutating func bigEndian(_ count: Int) throws -> UInt64 {
            var value: UInt64 = 0
            for _ in 0..<count { value = value << 8 | UInt64(try byte()) }
            return value
        }

        mutating func escaped() throws -> [UInt8] {
            var out: [UInt8] = []
            while true {
                let b = try byte()
                if b != 0 {
                    out.append(b)
                    continue
                }
                let next = try byte()
                if next == 0 { return out }
                guard next == 0xFF else { throw Malformed() }
                out.append(0)
            }
        }
    }

    static func decode(as type: CQLDataType, from reader: inout Reader) throws -> CQLValue {
        switch type {
        case .tinyint: return .tinyint(Int8(bitPattern: try reader.byte() ^ 0x80))
        case .smallint: return .smallint(Int16(bitPattern: UInt16(try reader.bigEndian(2) ^ 0x8000)))
        case .int: return .int(Int32(bitPattern: UInt32(try reader.bigEndian(4) ^ 0x8000_0000)))
        case .bigint: return .bigint(Int64(bitPattern: try reader.bigEndian(8) ^ (1 << 63)))
        case .counter: return .counter(Int64(bitPattern: try reader.bigEndian(8) ^ (1 << 63)))
        case .timestamp: return .timestamp(Int64(bitPattern: try reader.bigEndian(8) ^ (1 << 63)))
        case .time: return .time(Int64(bitPattern: try reader.bigEndian(8) ^ (1 << 63)))
        case .date: return .date(UInt32(try reader.bigEndian(4)))
        case .boolean: return .boolean(try reader.byte() != 0)
        case .float:
            let bits = UInt32(try reader.bigEndian(4))
            return .float(Float(bitPattern: bits & 0x8000_0000 != 0 ? bits & 0x7FFF_FFFF : ~bits))
        case .double:
            let bits = try reader.bigEndian(8)
            return .double(Double(bitPattern: bits & (1 << 63) != 0 ? bits & ~(1 << 63) : ~bits))
        case .text:
            guard let s = String(validating: try reader.escaped(), as: UTF8.self) else { throw Malformed() }
            return .text(s)
        case .ascii: return .ascii(String(decoding: try reader.escaped(), as: UTF8.self))
        case .blob: return .blob(try reader.escaped())
        case .inet:
            guard let inet = CQLInet(bytes: try reader.escaped()) else { throw Malformed() }
            return .inet(inet)
        case .uuid, .timeuuid:
            let version = UInt64(try reader.byte())
            let encodedHigh = try reader.bigEndian(8)
            let low = try reader.bigEndian(8) ^ 0x8080_8080_8080_8080
            var high = encodedHigh
            if version == 1 {
                let time = encodedHigh >> 4
                high = (time & 0xFFFF_FFFF) << 32 | ((time >> 32) & 0xFFFF) << 16 | 0x1000 | (time >> 48) & 0x0FFF
            }
            let uuid = CQLUUID(high: high, low: low)
            return type == .uuid ? .uuid(uuid) : .timeuuid(uuid)
        case .varint:
            let header = try reader.bigEndian(4)
            let length = header >= 0x8000_0000 ? header - 0x8000_0000 : 0x7FFF_FFFF - header
            var bytes: [UInt8] = []
            for _ in 0..<length { bytes.append(try reader.byte()) }
            guard let varint = CQLVarint(twosComplement: bytes) else { throw Malformed() }
            return .varint(varint)
        case .decimal: return .decimal(try decodeDecimal(&reader))
        case .list(let element), .set(let element):
            var items: [CQLValue] = []
            while try reader.byte() == 1 { items.append(try decode(as: element, from: &reader)) }
            return type == .set(element) ? .set(items) : .list(items)
        case .map(let keyType, let valueType):
            var entries: [CQLMapEntry] = []
            while try reader.byte() == 1 {
                let key = try decode(as: keyType, from: &reader)
                entries.append(CQLMapEntry(key: key, value: try decode(as: valueType, from: &reader)))
            }
            return .map(entries)
        case .tuple(let types):
            var items: [CQLValue] = []
            for elementType in types {
                items.append(try reader.byte() == 0 ? .null : try decode(as: elementType, from: &reader))
            }
            return .tuple(items)
        default:
            throw Unsupported(type: type)
        }
    }

    private static func decodeDecimal(_ reader: inout Reader) throws -> CQLDecimal {
        let sign = try reader.byte()
        if sign == 1 { return CQLDecimal(unscaled: CQLVarint(0), scale: 0) }
        let wasInverted = reader.inverted
        if sign == 0 { reader.inverted.toggle() }
        defer { reader.inverted = wasInverted }
        let exponent = Int64(Int32(bitPattern: UInt32(try reader.bigEndian(4) ^ 0x8000_0000)))
        var digits = sign == 0 ? "-" : ""
        var count: Int64 = 0
        while true {
            let d = try reader.byte()
            if d == 0 { break }
            guard d <= 10 else { throw Malformed() }
            digits.append(Character(Unicode.Scalar(d - 1 + UInt8(ascii: "0"))))
            count += 1
        }
        guard let unscaled = CQLVarint(decimal: digits) else { throw Malformed() }
        return CQLDecimal(unscaled: unscaled, scale: Int32(clamping: count - exponent))
    }
}
