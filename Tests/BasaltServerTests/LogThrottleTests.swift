import Testing

@testable import BasaltServer

/// At most one line per interval and kind, each saying how many were held back before it.
struct LogThrottleTests {
    @Test(arguments: [
        // (seconds since start, kind, what admit answers)
        [(0, "a", 0), (1, "a", nil), (2, "a", nil), (10, "a", 2), (11, "a", nil), (30, "a", 1)],
        [(0, "a", 0), (1, "b", 0), (2, "a", nil), (3, "b", nil), (10, "a", 1), (11, "b", 1)],
    ] as [[(Int, String, Int?)]])
    func admitsOneLinePerInterval(_ steps: [(Int, String, Int?)]) {
        var throttle = LogThrottle(interval: .seconds(10))
        let start = ContinuousClock.now
        for (seconds, kind, expected) in steps {
            #expect(throttle.admit(kind, at: start + .seconds(seconds)) == expected, "at \(seconds) s, \(kind)")
        }
    }
}
