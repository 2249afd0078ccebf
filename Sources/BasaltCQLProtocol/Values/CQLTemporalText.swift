import Foundation

// Parsing of the date, time and timestamp literal forms Cassandra accepts
// (TimestampSerializer / SimpleDateSerializer / TimeSerializer). The calendar math is the proleptic
// Gregorian "days from civil" algorithm, which is what Java's ISO chronology uses; named zones
// (`Europe/Paris`, `PST`) are `TemporalZone`'s, whose offsets come from the tz database.
enum CQLTemporalText {
    static let millisecondsPerDay: Int64 = 86_400_000

    /// `yyyy-mm-dd[(T| )hh:mm[:ss[.f{1,9}]]]` then an optional zone: an offset right after it (`Z`,
    /// `±hh`, `±hhmm`, `±hh:mm`) or, after a space, an offset, `GMT±hh:mm`, a region (`America/New_York`)
    /// or an abbreviation (`UTC`, `GMT`, `PST`), in any case. Without a zone, UTC is assumed (Cassandra
    /// would use the server's default zone; a cluster must not depend on it). Fractions beyond
    /// milliseconds are truncated as Java's parser does.
    static func timestampMilliseconds(_ text: String) -> Int64? {
        var scanner = Scanner(text)
        guard let days = scanner.date() else { return nil }
        var millis: Int64 = 0
        if scanner.consume("T") || (!scanner.isAtZoneName && scanner.consume(" ")) {
            guard let time = scanner.timeOfDay(requireSeconds: false) else { return nil }
            millis = time / 1_000_000
        }
        guard let zone = scanner.zone() else { return nil }
        let (dayMillis, overflow1) = days.multipliedReportingOverflow(by: millisecondsPerDay)
        let (local, overflow2) = dayMillis.addingReportingOverflow(millis)
        guard !overflow1, !overflow2, let offsetSeconds = zone.offsetSeconds(atLocalMilliseconds: local) else { return nil }
        let (utc, overflow3) = local.subtractingReportingOverflow(offsetSeconds * 1000)
        return overflow3 ? nil : utc
    }

    /// `[-]yyyy-mm-dd` as days since 1970-01-01.
    static func daysSinceEpoch(_ text: String) -> Int64? {
        var scanner = Scanner(text)
        guard let days = scanner.date(), scanner.isAtEnd else { return nil }
        return days
    }

    /// `h:m:s[.f{1,9}]` as nanoseconds since midnight. Cassandra's TimeSerializer trims the text and
    /// reads each field as a plain number, so `1:2:3` is as good as `01:02:03`.
    static func nanosecondsOfDay(_ text: String) -> Int64? {
        var scanner = Scanner(String(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        guard let nanos = scanner.timeOfDay(requireSeconds: true, fieldDigitsMinimum: 1), scanner.isAtEnd else { return nil }
        return nanos
    }
}

/// Lowercases ASCII letters only, so `t`/`z`/`utc` match without folding punctuation together.
private func foldCase(_ byte: UInt8) -> UInt8 {
    (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
}

/// A cursor over the ASCII bytes of a temporal literal.
private struct Scanner {
    let bytes: [UInt8]
    var offset = 0

    init(_ text: String) { bytes = Array(text.utf8) }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func consume(_ literal: String) -> Bool {
        let expected = Array(literal.utf8)
        guard bytes.count - offset >= expected.count,
            zip(bytes[offset...], expected).allSatisfy({ foldCase($0.0) == foldCase($0.1) })
        else { return false }
        offset += expected.count
        return true
    }

    /// Between `minimum` and `maximum` decimal digits, with how many were read.
    mutating func digits(minimum: Int, maximum: Int) -> (value: Int64, count: Int)? {
        var value: Int64 = 0
        var count = 0
        while offset < bytes.count, count < maximum, isDecimalDigit(bytes[offset]) {
            value = value * 10 + Int64(bytes[offset] - UInt8(ascii: "0"))
            offset += 1
            count += 1
        }
        return count >= minimum ? (value, count) : nil
    }

    mutating func date() -> Int64? {
        let negative = consume("-")
        guard let year = digits(minimum: 1, maximum: 9), consume("-"),
            let month = digits(minimum: 1, maximum: 2), consume("-"),
            let day = digits(minimum: 1, maximum: 2)
        else { return nil }
        let signedYear = negative ? -year.value : year.value
        guard (1...12).contains(month.value),
            (1...CivilDate.daysInMonth(year: signedYear, month: month.value)).contains(day.value)
        else { return nil }
        return CivilDate.toDays(year: signedYear, month: month.value, day: day.value)
    }

    /// `hh:mm[:ss[.f{1,9}]]`; `fieldDigitsMinimum` 1 also takes one-digit minutes and seconds.
    mutating func timeOfDay(requireSeconds: Bool, fieldDigitsMinimum: Int = 2) -> Int64? {
        guard let hours = digits(minimum: 1, maximum: 2), hours.value < 24, consume(":"),
            let minutes = digits(minimum: fieldDigitsMinimum, maximum: 2), minutes.value < 60
        else { return nil }
        var nanos = (hours.value * 60 + minutes.value) * 60 * 1_000_000_000
        if consume(":") {
            guard let seconds = digits(minimum: fieldDigitsMinimum, maximum: 2), seconds.value < 60 else { return nil }
            nanos += seconds.value * 1_000_000_000
            if consume(".") {
                guard let fraction = digits(minimum: 1, maximum: 9) else { return nil }
                var scale: Int64 = 1
                for _ in fraction.count..<9 { scale *= 10 }
                nanos += fraction.value * scale
            }
        } else if requireSeconds {
            return nil
        }
        return nanos
    }

    /// Whether a space and a zone name come next (`2011-02-03 UTC`) rather than a space and a time.
    var isAtZoneName: Bool {
        guard offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: " ") else { return false }
        let letter = foldCase(bytes[offset + 1])
        return letter >= UInt8(ascii: "a") && letter <= UInt8(ascii: "z")
    }

    /// The zone at the end of a timestamp; UTC when absent, nil when malformed or unknown. After a
    /// space comes Java's `z` (a zone name, or an offset); right after the time, Java's `X` (an offset).
    mutating func zone() -> TemporalZone? {
        if isAtEnd { return .fixed(seconds: 0) }
        let spaced = consume(" ")
        let start = offset
        if let seconds = utcOffset(), isAtEnd { return .fixed(seconds: seconds) }
        offset = start
        // A sign right after the time starts an offset, which was malformed; a name follows a space,
        // though a name glued to the time (`04:05UTC`) is taken too.
        if !spaced, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-") { return nil }
        let name = String(decoding: bytes[offset...], as: UTF8.self)
        offset = bytes.count
        return TemporalZone.named(name)
    }

    /// `Z`, `±hh`, `±hhmm` or `±hh:mm` as seconds east of UTC; `GMT` or `UTC` may come first.
    mutating func utcOffset() -> Int64? {
        let start = offset
        if consume("Z") { return 0 }
        _ = consume("GMT") || consume("UTC")
        let sign: Int64
        if consume("+") { sign = 1 } else if consume("-") { sign = -1 } else {
            offset = start
            return nil
        }
        guard let hours = digits(minimum: 2, maximum: 2), hours.value <= 18 else {
            offset = start
            return nil
        }
        var minutes: Int64 = 0
        let hasColon = consume(":")
        if let parsed = digits(minimum: 2, maximum: 2) {
            guard parsed.value < 60 else {
                offset = start
                return nil
            }
            minutes = parsed.value
        } else if hasColon {
            offset = start
            return nil
        }
        return sign * (hours.value * 3600 + minutes * 60)
    }
}
