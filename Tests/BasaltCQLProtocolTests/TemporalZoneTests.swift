import Testing

@testable import BasaltCQLProtocol

/// Timestamp literals with zones, in the forms Cassandra's TimestampSerializer takes: an offset right
/// after the time (`X`), or a space and then a zone name or offset (`z`). Expected values are from
/// Python's zoneinfo, which reads the same tz database.
@Suite struct TemporalZoneTests {
    static let feb3At0405 = Int64(1_296_705_900_000)  // 2011-02-03 04:05 UTC

    static let timestamps: [(String, Int64)] = [
        ("2011-02-03 04:05 UTC", feb3At0405),
        ("2011-02-03 04:05 utc", feb3At0405),
        ("2011-02-03 04:05 GMT", feb3At0405),
        ("2011-02-03 04:05UTC", feb3At0405),
        ("2011-02-03T04:05:00Z", feb3At0405),
        ("2011-02-03t04:05:00z", feb3At0405),
        ("2011-02-03 04:05:00.000Z", feb3At0405),
        ("2011-02-03 04:05+0100", feb3At0405 - 3_600_000),
        ("2011-02-03 04:05+01:00", feb3At0405 - 3_600_000),
        ("2011-02-03 04:05+01", feb3At0405 - 3_600_000),
        ("2011-02-03 04:05 +01:00", feb3At0405 - 3_600_000),
        ("2011-02-03 04:05:00 -0500", feb3At0405 + 18_000_000),
        ("2011-02-03 04:05 GMT+01:00", feb3At0405 - 3_600_000),
        ("2011-02-03 04:05 America/New_York", 1_296_723_900_000),
        ("2011-02-03 04:05 america/new_york", 1_296_723_900_000),
        ("2011-02-03 04:05 Europe/Paris", 1_296_702_300_000),
        ("2011-07-03 04:05 Europe/Paris", 1_309_658_700_000),
        ("2011-02-03T04:05Europe/Paris", 1_296_702_300_000),
        ("2011-02-03 UTC", 1_296_691_200_000),
        ("2011-02-03 Europe/Paris", 1_296_687_600_000),
        ("2011-02-03Z", 1_296_691_200_000),
        // A time in a gap lands after it; in an overlap the earlier instant wins (Java's ZonedDateTime.ofLocal).
        ("2024-03-31 02:30 Europe/Paris", 1_711_848_600_000),
        ("2024-10-27 02:30 Europe/Paris", 1_729_989_000_000),
    ]

    @Test(arguments: timestamps)
    func zonedTimestamps(_ text: String, _ expected: Int64) throws {
        #expect(try CQLValue.fromLiteral(text, kind: .string, as: .timestamp) == .timestamp(expected))
    }

    static let refused = [
        "2011-02-03 04:05 Mars/Olympus", "2011-02-03 04:05 ", "2011-02-03 04:05  UTC", "2011-02-03 04:05 +25:00",
        "2011-02-03 04:05 UTC+", "2011-02-03 04", "2011-02-03 4:5", "2011-02-03 04:05 UTC 1",
        "2011-02-03T", "now!", "", "2011-02-03 04:05+01:00Europe/Paris", "2011-02-03 04:05+0160",
    ]

    @Test(arguments: refused)
    func malformedTimestamps(_ text: String) {
        #expect(throws: CQLValueError("Unable to coerce '\(text)' to a formatted date (long)")) {
            try CQLValue.fromLiteral(text, kind: .string, as: .timestamp)
        }
    }

    /// TimeSerializer trims and reads each field as a plain number.
    @Test(arguments: [("1:2:3", Int64(3_723_000_000_000)), (" 01:02:03.5 ", 3_723_500_000_000), ("23:59:59", 86_399_000_000_000)])
    func lenientTimes(_ text: String, _ nanos: Int64) throws {
        #expect(try CQLValue.fromLiteral(text, kind: .string, as: .time) == .time(nanos))
    }
}
