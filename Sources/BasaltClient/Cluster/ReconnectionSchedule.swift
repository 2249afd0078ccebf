/// Exponential backoff between attempts to re-open a lost connection: `base × 2^attempt`, capped
/// at `maximum`, each delay scaled by a random factor in `1 ± jitter` so that many clients losing
/// the same node do not all knock on its door in the same millisecond.
public struct ReconnectionSchedule: Hashable, Sendable {
    public var base: Duration
    public var maximum: Duration
    /// Fraction of the delay, in `0 ... 1`.
    public var jitter: Double

    public init(base: Duration = .milliseconds(200), maximum: Duration = .seconds(10), jitter: Double = 0.15) {
        precondition(base > .zero && maximum >= base && (0...1).contains(jitter))
        self.base = base
        self.maximum = maximum
        self.jitter = jitter
    }

    /// The delay before attempt `attempt` (0 for the first retry). `unit` is a random number in
    /// `0 ..< 1`, passed in so the schedule stays a pure function.
    public func delay(attempt: Int, unit: Double) -> Duration {
        precondition(attempt >= 0 && (0..<1).contains(unit))
        // 2^30 × any sensible base is far beyond any maximum, and keeps the shift in range.
        let doubled = base * (1 << min(attempt, 30))
        let capped = min(doubled, maximum)
        let factor = 1 + jitter * (2 * unit - 1)
        return min(capped * factor, maximum)
    }
}
