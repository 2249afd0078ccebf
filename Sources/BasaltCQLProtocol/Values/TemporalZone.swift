import Foundation

/// The zone of a timestamp literal: a fixed offset, or a named zone whose offset depends on the date
/// (daylight saving time).
enum TemporalZone {
    case fixed(seconds: Int64)
    case region(TimeZone)

    /// A tz database region (`Europe/Paris`) or abbreviation (`UTC`, `CET`, `PST`), matched without case
    /// as Java's case-insensitive parser does.
    static func named(_ name: String) -> TemporalZone? {
        guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        if let zone = TimeZone(identifier: name) ?? TimeZone(abbreviation: name.uppercased()) { return .region(zone) }
        let folded = name.lowercased()
        guard let identifier = TimeZone.knownTimeZoneIdentifiers.first(where: { $0.lowercased() == folded }) else { return nil }
        return TimeZone(identifier: identifier).map(TemporalZone.region)
    }

    /// The offset in force at a local wall-clock time. In a gap (clocks moved forward) the offset before
    /// the change applies, so the time lands after the gap as Java's `ZonedDateTime.ofLocal` does; in an
    /// overlap the earlier offset is taken.
    func offsetSeconds(atLocalMilliseconds local: Int64) -> Int64? {
        switch self {
        case .fixed(let seconds):
            return seconds
        case .region(let zone):
            let localSeconds = Double(local.dividedRoundingDown(by: 1000))
            guard abs(localSeconds) < 1e15 else { return nil }
            let guess = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: localSeconds)))
            let before = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: localSeconds - Double(guess) - 86_400)))
            let candidates = [before, guess].filter { candidate in
                Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: localSeconds - Double(candidate)))) == candidate
            }
            return candidates.max() ?? before
        }
    }
}

private extension Int64 {
    func dividedRoundingDown(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return self % divisor < 0 ? quotient - 1 : quotient
    }
}
