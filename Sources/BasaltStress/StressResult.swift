import Foundation
import Histogram

/// What a stress run measured, and its two renderings: the human summary and the one-line JSON.
public struct StressResult: Sendable {
    public var mode: StressConfiguration.Mode
    public var operations: Int
    public var seconds: Double
    /// Failed operations, timeouts included.
    public var errors: Int
    /// Failed operations that timed out (client-side, or read/write timeouts from the node).
    public var timeouts: Int
    /// Writes whose outcome is unknown (a timeout or a lost connection): maybe applied, maybe not.
    public var unknownOutcome: Int
    /// Reads that found no row.
    public var readMisses: Int
    public var latencies: LatencyRecorder.Latencies
    /// A few distinct error messages, to say what went wrong.
    public var errorSamples: [String]
    public var verification: Verification?

    public struct Verification: Sendable, Hashable {
        public var verified = 0
        public var missing = 0
        public var unexpected = 0
        public var unknownPresent = 0
        public var unknownAbsent = 0
        /// Rows whose read-back failed (so they could not be checked).
        public var readErrors = 0
        public var seconds = 0.0

        public init() {}

        public mutating func count(_ verdict: VerifyLedger.Verdict) {
            switch verdict {
            case .verified: verified += 1
            case .missing: missing += 1
            case .unexpected: unexpected += 1
            case .unknownPresent: unknownPresent += 1
            case .unknownAbsent: unknownAbsent += 1
            case .untouched: break
            }
        }

        public mutating func add(_ other: Verification) {
            verified += other.verified
            missing += other.missing
            unexpected += other.unexpected
            unknownPresent += other.unknownPresent
            unknownAbsent += other.unknownAbsent
            readErrors += other.readErrors
        }
    }

    public var operationsPerSecond: Double { seconds > 0 ? Double(operations) / seconds : 0 }

    /// Milliseconds at `percentile` (0-100).
    public func milliseconds(atPercentile percentile: Double) -> Double {
        latencies.totalCount == 0 ? 0 : Double(latencies.valueAtPercentile(percentile)) / 1000
    }

    public func summary(_ configuration: StressConfiguration) -> [String] {
        var lines = [
            String(
                format: "%@: %d ops in %.2f s = %.0f ops/s at %@, concurrency %d", mode.rawValue, operations, seconds,
                operationsPerSecond, configuration.consistency.name, configuration.concurrency),
            String(
                format: "latency ms: p50 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  mean %.3f", milliseconds(atPercentile: 50),
                milliseconds(atPercentile: 99), milliseconds(atPercentile: 99.9), Double(latencies.max) / 1000,
                latencies.mean / 1000),
            "errors \(errors) (timeouts \(timeouts), writes of unknown outcome \(unknownOutcome))"
                + (mode == .write ? "" : ", reads finding no row \(readMisses)"),
        ]
        lines += errorSamples.map { "  error: \($0)" }
        if let verification {
            lines.append(
                String(
                    format: "verify: read back in %.2f s at %@: %d verified, %d missing, %d unexpected; unknown-outcome writes: %d present, %d absent; %d unreadable",
                    verification.seconds, configuration.consistency.name, verification.verified, verification.missing,
                    verification.unexpected, verification.unknownPresent, verification.unknownAbsent, verification.readErrors))
        }
        return lines
    }

    /// One JSON object on one line: what scripts and tests parse.
    public func json(_ configuration: StressConfiguration) -> String {
        var fields: [(String, String)] = [
            ("mode", "\"\(mode.rawValue)\""), ("ops", "\(operations)"), ("secs", String(format: "%.3f", seconds)),
            ("ops_per_sec", String(format: "%.0f", operationsPerSecond)),
            ("p50_ms", String(format: "%.3f", milliseconds(atPercentile: 50))),
            ("p99_ms", String(format: "%.3f", milliseconds(atPercentile: 99))),
            ("p999_ms", String(format: "%.3f", milliseconds(atPercentile: 99.9))),
            ("max_ms", String(format: "%.3f", Double(latencies.max) / 1000)),
            ("errors", "\(errors)"), ("timeouts", "\(timeouts)"), ("unknown_outcome", "\(unknownOutcome)"),
            ("read_misses", "\(readMisses)"), ("concurrency", "\(configuration.concurrency)"),
            ("consistency", "\"\(configuration.consistency.name)\""),
        ]
        if let rate = configuration.rate { fields.append(("rate", String(format: "%.0f", rate))) }
        if let verification {
            fields += [
                ("verified", "\(verification.verified)"), ("missing", "\(verification.missing)"),
                ("unexpected", "\(verification.unexpected)"), ("unknown_present", "\(verification.unknownPresent)"),
                ("unknown_absent", "\(verification.unknownAbsent)"), ("verify_errors", "\(verification.readErrors)"),
            ]
        }
        return "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }

    /// The progress line for one interval.
    static func progressLine(elapsed: Double, interval: LatencyRecorder.Latencies, intervalSeconds: Double, total: Int, errors: Int, timeouts: Int) -> String {
        func ms(_ percentile: Double) -> Double {
            interval.totalCount == 0 ? 0 : Double(interval.valueAtPercentile(percentile)) / 1000
        }
        return String(
            format: "%6.1fs %9.0f ops/s  p50 %7.3f  p99 %7.3f  p999 %7.3f ms  errors %d  timeouts %d  total %d",
            elapsed, Double(interval.totalCount) / max(intervalSeconds, 1e-9), ms(50), ms(99), ms(99.9), errors, timeouts, total)
    }
}
