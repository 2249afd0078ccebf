import BasaltMetrics

/// The metrics endpoint's one route: `GET /metrics` in Prometheus's text format, version 0.0.4.
public enum MetricsRoute {
    public static func router(_ registry: MetricsRegistry) -> AdminRouter {
        AdminRouter([
            AdminRoute(.get, "/metrics", "Prometheus metrics") { _ in
                AdminResponse(body: Array(registry.exposition().utf8), contentType: "text/plain; version=0.0.4; charset=utf-8")
            },
        ])
    }
}
