import BasaltCQLProtocol
import BasaltInstruments
import CoreMetrics
import Synchronization

/// What the node counts of its clients' requests, by kind and consistency level: requests, latency,
/// errors by code, timeouts and unavailables, and requests in flight.
///
/// The hot path takes no lock: every (kind, consistency) pair has its counter (an atomic in
/// swift-prometheus) and its latency histogram (`AtomicLatencyHistogram`) made at init, found by
/// index. Error counters are made on first use under a lock, which only failing requests take.
public final class ClientRequestMetrics: Sendable {
    /// The native-protocol requests that run statements (the server answers the others itself).
    public enum Kind: Int, CaseIterable, Sendable {
        case query, prepare, execute, batch

        public var label: String {
            switch self {
            case .query: "query"
            case .prepare: "prepare"
            case .execute: "execute"
            case .batch: "batch"
            }
        }
    }

    /// Consistency levels by index: 0 for none (PREPARE has none), then each level at its code + 1
    /// (the protocol's codes are 0...10, in `allCases` order), so the hot path finds a slot without a search.
    static let consistencies: [CQLConsistency?] = [nil] + CQLConsistency.allCases

    @inline(__always)
    static func slot(_ kind: Kind, _ consistency: CQLConsistency?) -> Int {
        kind.rawValue * consistencies.count + (consistency.map { Int($0.rawValue) + 1 } ?? 0)
    }

    static func consistencyLabel(_ consistency: CQLConsistency?) -> String { consistency?.name ?? "NONE" }

    private let factory: any MetricsFactory
    private let requests: [Counter]
    private let latencies: [AtomicLatencyHistogram]
    private let inFlight = Atomic<Int>(0)
    private let errors = Mutex<[ErrorKey: Counter]>([:])

    private struct ErrorKey: Hashable {
        var name: String
        var labels: [String]
    }

    public init(registry: MetricsRegistry) {
        factory = registry.factory
        var requests: [Counter] = []
        var latencies: [AtomicLatencyHistogram] = []
        for kind in Kind.allCases {
            for consistency in Self.consistencies {
                requests.append(Counter(label: "basalt_client_requests_total",
                                        dimensions: [("kind", kind.label), ("consistency", Self.consistencyLabel(consistency))],
                                        factory: registry.factory))
                latencies.append(AtomicLatencyHistogram())
            }
        }
        self.requests = requests
        self.latencies = latencies
        registry.addCollector { [weak self] scrape in self?.collect(into: &scrape) }
    }

    /// Call as a request starts; `finished` as it is answered.
    @inline(__always)
    public func started() { inFlight.add(1, ordering: .relaxed) }

    public func finished(_ kind: Kind, consistency: CQLConsistency?, nanoseconds: Int64, error: CQLErrorMessage.Kind?) {
        inFlight.subtract(1, ordering: .relaxed)
        let slot = Self.slot(kind, consistency)
        requests[slot].increment()
        latencies[slot].record(nanoseconds: nanoseconds)
        guard let error else { return }
        let level = Self.consistencyLabel(consistency)
        count("basalt_client_request_errors_total", [("kind", kind.label), ("code", Self.hexCode(error.code))])
        switch error {
        case .readTimeout, .writeTimeout:
            count("basalt_client_request_timeouts_total", [("kind", kind.label), ("consistency", level)])
        case .unavailable:
            count("basalt_client_request_unavailables_total", [("kind", kind.label), ("consistency", level)])
        default:
            break
        }
    }

    public var requestsInFlight: Int { inFlight.load(ordering: .relaxed) }

    /// Protocol error codes as the spec writes them (`0x2200`).
    static func hexCode(_ code: Int32) -> String {
        let digits = String(code, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private func count(_ name: String, _ labels: [(String, String)]) {
        let key = ErrorKey(name: name, labels: labels.map { "\($0.0)=\($0.1)" })
        let counter = errors.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = Counter(label: name, dimensions: labels, factory: factory)
            counters[key] = counter
            return counter
        }
        counter.increment()
    }

    private func collect(into scrape: inout MetricsScrape) {
        scrape.gauge("basalt_client_requests_in_flight", "client requests received and not yet answered", requestsInFlight)
        for kind in Kind.allCases {
            for consistency in Self.consistencies {
                let histogram = latencies[Self.slot(kind, consistency)]
                // Pairs never used stay out of the scrape: 48 empty histograms would drown the rest.
                guard histogram.count > 0 else { continue }
                scrape.histogram("basalt_client_request_duration_seconds",
                                 "time from a request's decoding to its answer, by kind and consistency level",
                                 labels: [("kind", kind.label), ("consistency", Self.consistencyLabel(consistency))],
                                 histogram.snapshot())
            }
        }
    }
}
