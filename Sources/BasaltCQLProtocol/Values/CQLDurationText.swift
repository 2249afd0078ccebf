/// Parses duration literals in the three forms Cassandra's `Duration.from` accepts:
/// `1y2mo3w4d5h6m7s8ms9us10ns` (units once each, largest first), ISO 8601 `P1Y2M3DT4H5M6S` /
/// `P2W`, and the alternative ISO form `P0001-02-03T04:05:06`. A leading `-` negates all parts.
enum CQLDurationText {
    static func parse(_ text: String) throws -> CQLDuration {
        let negative = text.hasPrefix("-")
        let body = Array((negative ? text.dropFirst() : text[...]).utf8)
        guard !body.isEmpty else { throw invalid(text) }
        var accumulator = Accumulator()
        if body[0] == UInt8(ascii: "P") {
            if body.contains(UInt8(ascii: "-")) {
                try parseAlternative(body, text, into: &accumulator)
            } else {
                try parseISO(body, text, into: &accumulator)
            }
        } else {
            try parseUnits(body, text, into: &accumulator)
        }
        return accumulator.duration(negative: negative)
    }

    private static func invalid(_ text: String) -> CQLValueError {
        CQLValueError("Unable to convert '\(text)' to a duration")
    }

    /// Units in the order they must appear, with their contribution (months, days, nanoseconds).
    private static let units: [(symbol: String, months: Int64, days: Int64, nanos: Int64)] = [
        ("y", 12, 0, 0), ("mo", 1, 0, 0), ("w", 0, 7, 0), ("d", 0, 1, 0), ("h", 0, 0, 3_600_000_000_000),
        ("m", 0, 0, 60_000_000_000), ("s", 0, 0, 1_000_000_000), ("ms", 0, 0, 1_000_000), ("us", 0, 0, 1_000),
        ("µs", 0, 0, 1_000), ("ns", 0, 0, 1),
    ]

    /// Unit names by rank (`us` and `µs` share one), as Cassandra's messages spell them.
    private static let unitNames = [
        "years", "months", "weeks", "days", "hours", "minutes", "seconds", "milliseconds", "microseconds", "nanoseconds",
    ]

    private static func parseUnits(_ body: [UInt8], _ text: String, into accumulator: inout Accumulator) throws {
        var offset = 0
        var lastUnit = -1
        while offset < body.count {
            let (amount, afterDigits) = try number(body, from: offset, text)
            var end = afterDigits
            while end < body.count, !isDecimalDigit(body[end]) { end += 1 }
            let symbol = String(decoding: body[afterDigits..<end], as: UTF8.self).lowercased()
            guard let unit = units.firstIndex(where: { $0.symbol == symbol }) else { throw invalid(text) }
            // "us" and "µs" are the same unit; both may not appear.
            let rank = unit == 9 ? 8 : (unit > 9 ? unit - 1 : unit)
            // Cassandra's words (Duration.Builder.validateOrder).
            guard rank != lastUnit else { throw CQLValueError("Invalid duration. The \(unitNames[rank]) are specified multiple times") }
            guard rank > lastUnit else {
                throw CQLValueError("Invalid duration. The \(unitNames[lastUnit]) should be after \(unitNames[rank])")
            }
            lastUnit = rank
            try accumulator.add(amount, units[unit])
            offset = end
        }
    }

    private static func parseISO(_ body: [UInt8], _ text: String, into accumulator: inout Accumulator) throws {
        var offset = 1
        var inTime = false
        var order = -1
        guard body.count > 1 else { throw invalid(text) }
        while offset < body.count {
            if body[offset] == UInt8(ascii: "T") {
                guard !inTime, offset + 1 < body.count else { throw invalid(text) }
                inTime = true
                offset += 1
                continue
            }
            let (amount, end) = try number(body, from: offset, text)
            guard end < body.count else { throw invalid(text) }
            let designator = (Character(UnicodeScalar(body[end])), inTime)
            let (rank, unit): (Int, Int)
            switch designator {
            case ("Y", false): (rank, unit) = (0, 0)
            case ("M", false): (rank, unit) = (1, 1)
            case ("W", false): (rank, unit) = (2, 2)
            case ("D", false): (rank, unit) = (3, 3)
            case ("H", true): (rank, unit) = (4, 4)
            case ("M", true): (rank, unit) = (5, 5)
            case ("S", true): (rank, unit) = (6, 6)
            default: throw invalid(text)
            }
            guard rank > order else { throw invalid(text) }
            order = rank
            try accumulator.add(amount, units[unit])
            offset = end + 1
        }
    }

    /// `PYYYY-MM-DDThh:mm:ss`.
    private static func parseAlternative(_ body: [UInt8], _ text: String, into accumulator: inout Accumulator) throws {
        let layout = Array("P0000-00-00T00:00:00".utf8)
        guard body.count == layout.count else { throw invalid(text) }
        for (char, expected) in zip(body, layout) where expected != UInt8(ascii: "0") {
            guard char == expected else { throw invalid(text) }
        }
        let fields: [(Range<Int>, Int)] = [(1..<5, 0), (6..<8, 1), (9..<11, 3), (12..<14, 4), (15..<17, 5), (18..<20, 6)]
        for (range, unit) in fields {
            guard body[range].allSatisfy(isDecimalDigit) else { throw invalid(text) }
            let amount = body[range].reduce(Int64(0)) { $0 * 10 + Int64($1 - UInt8(ascii: "0")) }
            try accumulator.add(amount, units[unit])
        }
    }

    private static func number(_ body: [UInt8], from start: Int, _ text: String) throws -> (Int64, Int) {
        var end = start
        var value: Int64 = 0
        while end < body.count, isDecimalDigit(body[end]) {
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int64(body[end] - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { throw invalid(text) }
            value = sum
            end += 1
        }
        guard end > start else { throw invalid(text) }
        return (value, end)
    }

    private struct Accumulator {
        var months: Int64 = 0
        var days: Int64 = 0
        var nanos: Int64 = 0

        mutating func add(_ amount: Int64, _ unit: (symbol: String, months: Int64, days: Int64, nanos: Int64)) throws {
            let fields = [(\Accumulator.months, unit.months, "months", Int64(Int32.max)), (\.days, unit.days, "days", Int64(Int32.max)),
                          (\.nanos, unit.nanos, "nanoseconds", Int64.max)]
            for (keyPath, factor, name, limit) in fields where factor != 0 {
                let (product, overflow1) = amount.multipliedReportingOverflow(by: factor)
                let (sum, overflow2) = self[keyPath: keyPath].addingReportingOverflow(product)
                guard !overflow1, !overflow2, sum <= limit else {
                    throw CQLValueError("Invalid duration. The total number of \(name) must be less or equal to \(limit)")
                }
                self[keyPath: keyPath] = sum
            }
        }

        /// `add` keeps months and days within Int32, and all three of one sign.
        func duration(negative: Bool) -> CQLDuration {
            let sign: Int64 = negative ? -1 : 1
            return CQLDuration(months: Int32(sign * months), days: Int32(sign * days), nanoseconds: sign * nanos)!
        }
    }
}
