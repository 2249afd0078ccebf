/// When a repeated warning may be logged again: at most once per `interval` for each kind, saying
/// how many were held back since, so a flood of refused connections or logins cannot flood the log.
/// A value, kept under its owner's lock.
struct LogThrottle {
    let interval: Duration
    private var last: [String: (at: ContinuousClock.Instant, suppressed: Int)] = [:]

    init(interval: Duration) { self.interval = interval }

    /// nil: hold this one back. Otherwise log it, with the number held back since the last line.
    mutating func admit(_ kind: String, at now: ContinuousClock.Instant) -> Int? {
        if let entry = last[kind], now - entry.at < interval {
            last[kind] = (entry.at, entry.suppressed + 1)
            return nil
        }
        defer { last[kind] = (now, 0) }
        return last[kind]?.suppressed ?? 0
    }
}
