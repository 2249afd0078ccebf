import BasaltCQLProtocol

/// The clock functions (`now()`, `currentTimestamp()`, ...) and the conversions among timeuuid,
/// timestamp, date and Unix milliseconds (`toDate`, `toTimestamp`, `toUnixTimestamp`, `minTimeuuid`,
/// `maxTimeuuid`, and the deprecated `dateOf` and `unixTimestampOf`).
enum TimeFunctions {
    static let all: [NativeFunction] = clock + conversions

    private static let clock: [NativeFunction] = [
        function("now", [], .timeuuid) { _, context in .timeuuid(TimeUUID.make(micros: context.now)) },
        function("currenttimeuuid", [], .timeuuid) { _, context in .timeuuid(TimeUUID.make(micros: context.now)) },
        function("uuid", [], .uuid) { _, _ in .uuid(CQLUUID(bytes: UUIDBytes.random4())) },
        function("currenttimestamp", [], .timestamp) { _, context in .timestamp(context.millis) },
        function("currentdate", [], .date) { _, context in date(millis: context.millis) },
        function("currenttime", [], .time) { _, context in
            .time(floorModulo(context.millis, millisecondsPerDay) * 1_000_000 + context.now % 1000 * 1000)
        },
    ]

    private static let conversions: [NativeFunction] = [
        function("todate", [.timeuuid], .date) { arguments, _ in date(millis: millis(arguments[0])) },
        function("todate", [.timestamp], .date) { arguments, _ in date(millis: millis(arguments[0])) },
        function("totimestamp", [.timeuuid], .timestamp) { arguments, _ in .timestamp(millis(arguments[0])) },
        function("totimestamp", [.date], .timestamp) { arguments, _ in .timestamp(millis(arguments[0])) },
        function("tounixtimestamp", [.timeuuid], .bigint) { arguments, _ in .bigint(millis(arguments[0])) },
        function("tounixtimestamp", [.timestamp], .bigint) { arguments, _ in .bigint(millis(arguments[0])) },
        function("tounixtimestamp", [.date], .bigint) { arguments, _ in .bigint(millis(arguments[0])) },
        function("dateof", [.timeuuid], .timestamp) { arguments, _ in .timestamp(millis(arguments[0])) },
        function("unixtimestampof", [.timeuuid], .bigint) { arguments, _ in .bigint(millis(arguments[0])) },
        function("mintimeuuid", [.timestamp], .timeuuid) { arguments, _ in .timeuuid(TimeUUID.minimum(millis: millis(arguments[0]))) },
        function("maxtimeuuid", [.timestamp], .timeuuid) { arguments, _ in .timeuuid(TimeUUID.maximum(millis: millis(arguments[0]))) },
    ]

    static let millisecondsPerDay: Int64 = 86_400_000

    /// Milliseconds since the epoch of a timeuuid, timestamp or date (midnight UTC of a date).
    static func millis(_ value: CQLValue) -> Int64 {
        switch value {
        case .timeuuid(let uuid), .uuid(let uuid): TimeUUID.millis(of: uuid)
        case .timestamp(let millis): millis
        case .date(let days): (Int64(days) - Int64(CQLValue.dateEpoch)) * millisecondsPerDay
        default: 0
        }
    }

    /// The day holding a millisecond; days before the epoch round down, not toward zero.
    static func date(millis: Int64) -> CQLValue {
        let days = (millis - floorModulo(millis, millisecondsPerDay)) / millisecondsPerDay
        return .date(UInt32(truncatingIfNeeded: days + Int64(CQLValue.dateEpoch)))
    }

    static func floorModulo(_ value: Int64, _ divisor: Int64) -> Int64 {
        let remainder = value % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }

    private static func function(_ name: String, _ arguments: [CQLDataType], _ result: CQLDataType,
                                 _ body: @escaping @Sendable ([CQLValue], FunctionContext) -> CQLValue) -> NativeFunction {
        NativeFunction(name: name, argumentTypes: arguments, returnType: result) { values, context in body(values, context) }
    }
}
