/// The lexical class of a CQL constant, as the parser (`BasaltCQL.Term`) keeps it: whether `1`
/// is an int, a bigint or a timestamp is decided only once the target type is known.
public enum CQLLiteralKind: Hashable, Sendable, CustomStringConvertible {
    /// The unescaped content of `'...'` or `$$...$$`.
    case string
    /// Digits with an optional leading `-`.
    case integer
    /// A decimal with fraction and/or exponent, or `NaN`, `Infinity`, `-Infinity`.
    case float
    case boolean
    /// An unquoted uuid.
    case uuid
    /// `0x` followed by hex digits.
    case blob
    /// An unquoted duration such as `1h30m` or `P1DT2H`.
    case duration

    /// The names Cassandra uses in "Invalid STRING constant (...)" messages.
    public var description: String {
        switch self {
        case .string: "STRING"
        case .integer: "INTEGER"
        case .float: "FLOAT"
        case .boolean: "BOOLEAN"
        case .uuid: "UUID"
        case .blob: "HEX"
        case .duration: "DURATION"
        }
    }
}

extension CQLValue {
    /// Converts a constant's text to a value of `type`, following Cassandra's `Constants.Literal`:
    /// the kind must be assignable to the type (a STRING is not an int), then the type's
    /// `fromString` decides. Collections, tuples and UDTs are built by the executor from their
    /// elements' literals, so they are not accepted here.
    public static func fromLiteral(_ text: String, kind: CQLLiteralKind, as type: CQLDataType) throws -> CQLValue {
        guard kind.isAssignable(to: type) else {
            throw CQLValueError("Invalid \(kind) constant (\(text)) for type \(type)")
        }
        switch type {
        case .ascii:
            guard text.utf8.allSatisfy({ $0 < 0x80 }) else { throw CQLValueError("Invalid ASCII character in string literal") }
            return .ascii(text)
        case .text: return .text(text)
        case .boolean:
            switch text.lowercased() {
            case "true": return .boolean(true)
            case "false": return .boolean(false)
            default: throw CQLValueError("Unable to make boolean from '\(text)'")
            }
        case .tinyint:
            guard let value = Int8(exactly: try integer(text, "tinyint")) else {
                throw CQLValueError("Unable to make tinyint from '\(text)'")
            }
            return .tinyint(value)
        case .smallint:
            guard let value = Int16(exactly: try integer(text, "short")) else {
                throw CQLValueError("Unable to make short from '\(text)'")
            }
            return .smallint(value)
        case .int:
            guard let value = Int32(exactly: try integer(text, "int")) else {
                throw CQLValueError("Unable to make int from '\(text)'")
            }
            return .int(value)
        case .bigint: return .bigint(try integer(text, "long"))
        case .counter: return .counter(try integer(text, "long"))
        case .varint:
            guard let value = CQLVarint(decimal: text) else { throw CQLValueError("Unable to make varint from '\(text)'") }
            return .varint(value)
        case .decimal:
            guard let value = CQLDecimal(text) else { throw CQLValueError("Unable to make BigDecimal from '\(text)'") }
            return .decimal(value)
        case .double:
            guard let value = Double(text), isFloatingLiteral(text) else {
                throw CQLValueError("Unable to make double from '\(text)'")
            }
            return .double(value)
        case .float:
            guard let value = Float(text), isFloatingLiteral(text) else {
                throw CQLValueError("Unable to make float from '\(text)'")
            }
            return .float(value)
        case .uuid, .timeuuid:
            guard let uuid = CQLUUID(text) else { throw CQLValueError("Unable to make UUID from '\(text)'") }
            guard type == .uuid else {
                guard uuid.version == 1 else { throw CQLValueError("Unsupported UUID version (\(uuid.version)) for timeuuid") }
                return .timeuuid(uuid)
            }
            return .uuid(uuid)
        case .blob:
            return .blob(try hexBlob(text))
        case .inet:
            guard let inet = CQLInet(text) else { throw CQLValueError("Unable to make inet address from '\(text)'") }
            return .inet(inet)
        case .timestamp:
            if isIntegerText(text) { return .timestamp(try integer(text, "long")) }
            guard let millis = CQLTemporalText.timestampMilliseconds(text) else {
                throw CQLValueError("Unable to coerce '\(text)' to a formatted date (long)")
            }
            return .timestamp(millis)
        case .date:
            return .date(try date(text))
        case .time:
            if isIntegerText(text) {
                let nanos = try integer(text, "long")
                guard (0..<nanosecondsPerDay).contains(nanos) else {
                    throw CQLValueError("Input long out of bounds: \(nanos)")
                }
                return .time(nanos)
            }
            guard let nanos = CQLTemporalText.nanosecondsOfDay(text) else {
                throw CQLValueError("Unable to coerce '\(text)' to a formatted time (long)")
            }
            return .time(nanos)
        case .duration:
            return .duration(try CQLDurationText.parse(text))
        case .list, .set, .map, .tuple, .udt, .custom:
            throw CQLValueError("Invalid \(kind) constant (\(text)) for type \(type)")
        }
    }

    private static func integer(_ text: String, _ typeName: String) throws -> Int64 {
        guard isIntegerText(text), let value = Int64(text) else {
            throw CQLValueError("Unable to make \(typeName) from '\(text)'")
        }
        return value
    }

    /// A date is `yyyy-mm-dd`, or digits giving the raw unsigned day number (2^31 = 1970-01-01).
    private static func date(_ text: String) throws -> UInt32 {
        if isIntegerText(text) {
            guard let raw = Int64(text), let days = UInt32(exactly: raw) else {
                throw CQLValueError("Input date \(text) is out of range")
            }
            return days
        }
        guard let days = CQLTemporalText.daysSinceEpoch(text) else {
            throw CQLValueError("Unable to coerce '\(text)' to a formatted date (long)")
        }
        guard let raw = UInt32(exactly: days + Int64(dateEpoch)) else {
            throw CQLValueError("Input date \(text) is out of range")
        }
        return raw
    }

    private static func hexBlob(_ text: String) throws -> [UInt8] {
        let chars = Array(text.utf8)
        guard chars.count >= 2, chars[0] == UInt8(ascii: "0"), chars[1] | 0x20 == UInt8(ascii: "x"),
            chars.count % 2 == 0
        else { throw CQLValueError("Invalid hex string \(text)") }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(chars.count / 2 - 1)
        var index = 2
        while index < chars.count {
            guard let high = hexValue(chars[index]), let low = hexValue(chars[index + 1]) else {
                throw CQLValueError("Invalid hex string \(text)")
            }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func isIntegerText(_ text: String) -> Bool {
        let digits = text.hasPrefix("-") ? text.utf8.dropFirst() : text.utf8[...]
        return !digits.isEmpty && digits.allSatisfy(isDecimalDigit)
    }

    /// Swift's Float/Double parsers also take hex floats, `inf` and `nan`; CQL only has decimal
    /// notation plus the exact words `NaN` and `Infinity`.
    private static func isFloatingLiteral(_ text: String) -> Bool {
        if text == "NaN" || text == "Infinity" || text == "-Infinity" { return true }
        return text.utf8.allSatisfy { isDecimalDigit($0) || "+-.eE".utf8.contains($0) }
    }
}

extension CQLLiteralKind {
    /// Cassandra's `Constants.Literal.testAssignment` table.
    func isAssignable(to type: CQLDataType) -> Bool {
        switch (self, type) {
        case (.string, .ascii), (.string, .text), (.string, .date), (.string, .time), (.string, .timestamp),
            (.string, .inet), (.string, .duration):
            true
        case (.integer, .bigint), (.integer, .counter), (.integer, .date), (.integer, .decimal), (.integer, .double),
            (.integer, .float), (.integer, .int), (.integer, .smallint), (.integer, .time), (.integer, .timestamp),
            (.integer, .tinyint), (.integer, .varint):
            true
        case (.float, .decimal), (.float, .double), (.float, .float): true
        case (.boolean, .boolean): true
        case (.uuid, .uuid), (.uuid, .timeuuid): true
        case (.blob, .blob): true
        case (.duration, .duration): true
        default: false
        }
    }
}
