import BasaltCQLProtocol

/// A value as text the way Cassandra's type serializers' `toString` write it, which is what
/// `CAST(x AS text)` returns: timestamps as `2011-02-03T04:05:00.000Z`, dates as `2011-02-03`, blobs as
/// bare hex, doubles as Java prints them (`1.0E10`).
enum ValueText {
    static func text(_ value: CQLValue) -> String {
        switch value {
        case .null, .empty: ""
        case .ascii(let v), .text(let v): v
        case .bigint(let v), .counter(let v): String(v)
        case .int(let v): String(v)
        case .smallint(let v): String(v)
        case .tinyint(let v): String(v)
        case .boolean(let v): v ? "true" : "false"
        case .float(let v): javaFloating(Double(v), String(v))
        case .double(let v): javaFloating(v, String(v))
        case .varint(let v): v.description
        case .decimal(let v): javaDecimal(v)
        case .uuid(let v), .timeuuid(let v): v.description
        case .inet(let v): v.description
        case .blob(let bytes): hex(bytes)
        case .timestamp(let millis): timestamp(millis)
        case .date(let raw): date(Int64(raw) - Int64(CQLValue.dateEpoch))
        case .time(let nanos): time(nanos)
        case .duration(let duration): CQLDurationFormat.text(duration)
        case .list, .set, .map, .tuple, .udt, .custom: ""
        }
    }

    /// `BigDecimal.toString`: plain unless the scale is negative or the exponent below -6, then
    /// `d.dddE±n`, which also keeps a scale of millions from becoming millions of digits.
    static func javaDecimal(_ value: CQLDecimal) -> String {
        var digits = value.unscaled.description
        let sign = digits.hasPrefix("-") ? "-" : ""
        if !sign.isEmpty { digits.removeFirst() }
        let exponent = Int64(digits.count - 1) - Int64(value.scale)
        if value.scale >= 0 && exponent >= -6 { return value.description }
        let rest = digits.dropFirst()
        return sign + String(digits.prefix(1)) + (rest.isEmpty ? "" : "." + rest) + "E" + (exponent >= 0 ? "+" : "") + String(exponent)
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }

    static func timestamp(_ millis: Int64) -> String {
        let dayMillis = TimeFunctions.floorModulo(millis, TimeFunctions.millisecondsPerDay)
        let day = (millis - dayMillis) / TimeFunctions.millisecondsPerDay
        let time = time(dayMillis * 1_000_000)
        return date(day) + "T" + time.prefix(12) + "Z"
    }

    static func date(_ day: Int64) -> String {
        let (year, month, dayOfMonth) = CivilDate.fromDays(day)
        return padded(year, 4) + "-" + padded(month, 2) + "-" + padded(dayOfMonth, 2)
    }

    /// `HH:MM:SS.nnnnnnnnn`, as `TimeSerializer.toString`.
    static func time(_ nanos: Int64) -> String {
        let seconds = nanos / 1_000_000_000
        return padded(seconds / 3600, 2) + ":" + padded(seconds / 60 % 60, 2) + ":" + padded(seconds % 60, 2)
            + "." + padded(nanos % 1_000_000_000, 9)
    }

    private static func padded(_ value: Int64, _ width: Int) -> String {
        let digits = String(abs(value))
        return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Java's `Double.toString`: plain between 10^-3 and 10^7 (always with a fraction digit),
    /// otherwise `d.dddE±n`; `shortest` is Swift's shortest round-trip digits for the same value.
    private static func javaFloating(_ value: Double, _ shortest: String) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
        guard let decimal = CQLDecimal(shortest) else { return shortest }
        var digits = decimal.unscaled.description
        let sign = digits.hasPrefix("-") ? "-" : ""
        if sign == "-" { digits.removeFirst() }
        var scale = Int(decimal.scale)
        while digits.count > 1 && digits.hasSuffix("0") {
            digits.removeLast()
            scale -= 1
        }
        if abs(value) >= 1e-3 && abs(value) < 1e7 {
            if scale <= 0 { return sign + digits + String(repeating: "0", count: -scale) + ".0" }
            return sign + CQLDecimal(unscaled: CQLVarint(decimal: digits)!, scale: Int32(scale)).description
        }
        let rest = digits.dropFirst()
        return sign + String(digits.prefix(1)) + "." + (rest.isEmpty ? "0" : rest) + "E" + String(digits.count - 1 - scale)
    }
}

/// A duration as Cassandra writes it: `1y2mo3d4h5m6s7ms8us9ns`, largest units first, zero units left out.
enum CQLDurationFormat {
    static func text(_ duration: CQLDuration) -> String {
        let negative = duration.months < 0 || duration.days < 0 || duration.nanoseconds < 0
        var text = negative ? "-" : ""
        let months = abs(Int64(duration.months))
        if months / 12 > 0 { text += "\(months / 12)y" }
        if months % 12 > 0 { text += "\(months % 12)mo" }
        if duration.days != 0 { text += "\(abs(Int64(duration.days)))d" }
        var nanos = duration.nanoseconds.magnitude
        let units: [(UInt64, String)] = [(3_600_000_000_000, "h"), (60_000_000_000, "m"), (1_000_000_000, "s"),
                                         (1_000_000, "ms"), (1000, "us"), (1, "ns")]
        for (size, symbol) in units where nanos >= size {
            text += "\(nanos / size)\(symbol)"
            nanos %= size
        }
        return text == "" || text == "-" ? "0s" : text
    }
}
