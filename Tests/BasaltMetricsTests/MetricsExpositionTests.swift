import BasaltCQLProtocol
import BasaltInstruments
import BasaltMetrics
import Testing

/// The names and lines a scrape renders: each family once with HELP and TYPE, labels escaped,
/// histograms with cumulative buckets, sum and count.
@Test func scrapeRendersFamiliesInTheTextFormat() {
    var scrape = MetricsScrape()
    scrape.gauge("basalt_table_memtable_bytes", "bytes", labels: [("keyspace", "ks"), ("table", "t")], 1024)
    scrape.counter("basalt_hints_written_total", "hints", 7)
    scrape.gauge("basalt_table_memtable_bytes", "bytes", labels: [("keyspace", "k\"s\\\n"), ("table", "u")], 0.5)
    var snapshot = LatencySnapshot()
    snapshot.record(nanoseconds: 15_000)
    scrape.histogram("basalt_x_duration_seconds", "latency", labels: [("kind", "query")], snapshot)
    let lines = scrape.text().split(separator: "\n").map(String.init)
    #expect(scrape.names == ["basalt_table_memtable_bytes", "basalt_hints_written_total", "basalt_x_duration_seconds"])
    #expect(Array(lines.prefix(6)) == [
        "# HELP basalt_table_memtable_bytes bytes",
        "# TYPE basalt_table_memtable_bytes gauge",
        "basalt_table_memtable_bytes{keyspace=\"ks\",table=\"t\"} 1024",
        "basalt_table_memtable_bytes{keyspace=\"k\\\"s\\\\\\n\",table=\"u\"} 0.5",
        "# HELP basalt_hints_written_total hints",
        "# TYPE basalt_hints_written_total counter",
    ])
    #expect(lines.contains("basalt_x_duration_seconds_bucket{kind=\"query\",le=\"1e-05\"} 0"))
    #expect(lines.contains("basalt_x_duration_seconds_bucket{kind=\"query\",le=\"2e-05\"} 1"))
    #expect(lines.contains("basalt_x_duration_seconds_bucket{kind=\"query\",le=\"+Inf\"} 1"))
    #expect(lines.contains("basalt_x_duration_seconds_sum{kind=\"query\"} 1.5e-05"))
    #expect(lines.contains("basalt_x_duration_seconds_count{kind=\"query\"} 1"))
}

@Test func clientRequestsAreCountedByKindConsistencyAndCode() {
    let registry = MetricsRegistry()
    let requests = ClientRequestMetrics(registry: registry)
    requests.started()
    requests.started()
    #expect(requests.requestsInFlight == 2)
    requests.finished(.query, consistency: .quorum, nanoseconds: 1_000_000, error: nil)
    requests.finished(.execute, consistency: .one, nanoseconds: 2_000_000,
                      error: .writeTimeout(consistency: .one, received: 0, blockFor: 1, writeType: .simple))
    #expect(requests.requestsInFlight == 0)
    let text = registry.exposition()
    #expect(text.contains("basalt_client_requests_in_flight 0"))
    #expect(text.contains("basalt_client_requests_total{kind=\"query\",consistency=\"QUORUM\"} 1"))
    #expect(text.contains("basalt_client_requests_total{kind=\"execute\",consistency=\"ONE\"} 1"))
    #expect(text.contains("basalt_client_request_errors_total{kind=\"execute\",code=\"0x1100\"} 1"))
    #expect(text.contains("basalt_client_request_timeouts_total{kind=\"execute\",consistency=\"ONE\"} 1"))
    #expect(text.contains("basalt_client_request_duration_seconds_count{kind=\"query\",consistency=\"QUORUM\"} 1"))
    #expect(!text.contains("basalt_client_request_duration_seconds_count{kind=\"batch\""))
}
