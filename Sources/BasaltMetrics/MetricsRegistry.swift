import CoreMetrics
import Prometheus
import Synchronization

/// The node's metrics: what is recorded as it happens goes through swift-metrics into a
/// swift-prometheus registry (`factory`), and what already exists as a figure of the node is read at
/// scrape time by the collectors. `exposition()` is the body of `GET /metrics`.
///
/// Not the process-wide `MetricsSystem`: every node in a test process has its own registry, and the
/// global can be bootstrapped only once.
public final class MetricsRegistry: Sendable {
    public typealias Collector = @Sendable (inout MetricsScrape) -> Void

    public let prometheus: PrometheusCollectorRegistry
    public let factory: PrometheusMetricsFactory
    private let collectors = Mutex<[Collector]>([])

    public init() {
        prometheus = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: prometheus)
        // Durations recorded through swift-metrics timers: 100 µs to about 13 s by powers of two,
        // the bounds the node's own latency histograms export.
        factory.defaultDurationHistogramBuckets = (0..<18).map { .microseconds(100 << $0) }
        self.factory = factory
    }

    public func addCollector(_ collector: @escaping Collector) {
        collectors.withLock { $0.append(collector) }
    }

    /// Prometheus text format: the collectors' families, then swift-prometheus's.
    public func exposition() -> String {
        var scrape = MetricsScrape()
        for collector in collectors.withLock({ $0 }) { collector(&scrape) }
        return scrape.text() + prometheus.emitToString()
    }
}
