import NIOCore

extension Duration {
    /// Whole nanoseconds, saturating far beyond any timeout.
    var totalNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        guard seconds < Int64.max / 1_000_000_000 else { return .max }
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

extension TimeAmount {
    /// NIO's timers take `TimeAmount`; the public API speaks `Duration`.
    init(_ duration: Duration) {
        self = .nanoseconds(duration.totalNanoseconds)
    }
}
