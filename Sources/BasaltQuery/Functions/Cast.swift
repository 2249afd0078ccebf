import BasaltCQLProtocol

/// `CAST(x AS type)` as Cassandra's `CastFcts`: numbers to every other numeric type (not counter),
/// anything to text or ascii, timestamp and date to each other, timeuuid to timestamp and date, and a
/// value to its own type. Everything else is refused before the query runs.
enum Cast {
    /// Whether a value of type `from` can be cast to `to`.
    static func isSupported(from: CQLDataType, to: CQLDataType) -> Bool {
        if from == to || to == .text || to == .ascii { return isNative(from) }
        if Number.isNumeric(from) && Number.isNumeric(to) && to != .counter { return true }
        switch (from, to) {
        case (.timestamp, .date), (.date, .timestamp), (.timeuuid, .timestamp), (.timeuuid, .date): return true
        default: return false
        }
    }

    /// Requires `isSupported(from: type of value, to: to)`.
    static func convert(_ value: CQLValue, to type: CQLDataType, from source: CQLDataType) throws(QueryError) -> CQLValue {
        if value == .null { return .null }
        switch type {
        case .text: return .text(ValueText.text(value))
        case .ascii: return .ascii(ValueText.text(value))
        case .date: return TimeFunctions.date(millis: TimeFunctions.millis(value))
        case .timestamp: return .timestamp(TimeFunctions.millis(value))
        default:
            guard let number = Number(value) else { return value }
            // A NaN or infinite float has no decimal or varint, which Java's conversion refuses.
            guard let converted = number.value(as: type) else {
                throw QueryError(.functionFailure(keyspace: "system", function: "castas\(type)", argumentTypes: [source.description]),
                                 "Cannot cast \(ValueText.text(value)) to \(type)")
            }
            return converted
        }
    }

    /// The same conversions as the functions Cassandra registers for them, `castas<type>(x)`
    /// (`system.castasint(d)`), one overload per source type.
    static let functions: [NativeFunction] = BlobConversionFunctions.nativeTypes.flatMap { to in
        BlobConversionFunctions.nativeTypes.filter { from in from != to && isSupported(from: from, to: to) }.map { from in
            NativeFunction(name: "castas\(to)", argumentTypes: [from], returnType: to) { arguments, _ throws(QueryError) in
                try convert(arguments[0], to: to, from: from)
            }
        }
    }

    private static func isNative(_ type: CQLDataType) -> Bool {
        BlobConversionFunctions.nativeTypes.contains(type)
    }
}
