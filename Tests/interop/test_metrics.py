"""Observability through the real interfaces: the Prometheus endpoint parsed by prometheus_client,
system_views.statement_stats and slow_queries read by the driver, and hints pending on a 2-node
cluster drained after a killed replica restarts."""
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

import pytest
from cassandra import ConsistencyLevel, InvalidRequest
from cassandra.cluster import Cluster
from cassandra.concurrent import execute_concurrent_with_args
from cassandra.query import BatchStatement, SimpleStatement
from prometheus_client.parser import text_string_to_metric_families

from conftest import Node, free_port
from local_cluster import LocalCluster, node_session

CQLSH = os.path.join(os.path.dirname(sys.executable), "cqlsh")


def scrape(host, port):
    """Every sample of the endpoint, by (name, sorted labels)."""
    text = urllib.request.urlopen("http://%s:%d/metrics" % (host, port), timeout=10).read().decode()
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0)


@pytest.fixture(scope="module")
def observed():
    """A node of its own: a slow-query threshold the tests can cross on purpose."""
    with tempfile.TemporaryDirectory(prefix="basalt-metrics-") as directory:
        config = os.path.join(directory, "basalt.yaml")
        with open(config, "w") as f:
            f.write("slow_query_log_timeout_ms: 300\n")
        n = Node(directory, free_port(), args=["--config", config])
        n.start()
        cluster = Cluster([n.host], port=n.port)
        s = cluster.connect()
        s.execute("CREATE KEYSPACE obs WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
        s.set_keyspace("obs")
        s.execute("CREATE TABLE t (k int, c int, v text, PRIMARY KEY (k, c))")
        yield n, s
        cluster.shutdown()
        n.stop()


def test_counters_equal_the_workload(observed):
    node, s = observed
    before = scrape(node.host, node.prometheus_port)
    # QUORUM and ALL: levels the driver's own metadata queries never use, so the counts are ours alone.
    insert = s.prepare("INSERT INTO t (k, c, v) VALUES (?, ?, ?)")
    insert.consistency_level = ConsistencyLevel.QUORUM
    for i in range(50):
        s.execute(insert, (i, 0, "v"))
    select = SimpleStatement("SELECT v FROM t WHERE k = 1", consistency_level=ConsistencyLevel.ALL)
    for _ in range(30):
        s.execute(select)
    for _ in range(5):
        with pytest.raises(InvalidRequest):
            s.execute(SimpleStatement("SELECT * FROM missing", consistency_level=ConsistencyLevel.ALL))
    batch = BatchStatement(consistency_level=ConsistencyLevel.QUORUM)
    for i in range(3):
        batch.add(insert, (100 + i, 0, "b"))
    s.execute(batch)
    after = scrape(node.host, node.prometheus_port)

    def delta(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)
    assert delta("basalt_client_requests_total", kind="execute", consistency="QUORUM") == 50
    assert delta("basalt_client_request_duration_seconds_count", kind="execute", consistency="QUORUM") == 50
    assert delta("basalt_client_requests_total", kind="query", consistency="ALL") == 35
    assert delta("basalt_client_request_errors_total", kind="query", code="0x2200") == 5
    assert delta("basalt_client_requests_total", kind="batch", consistency="QUORUM") == 1
    assert delta("basalt_table_local_write_duration_seconds_count", keyspace="obs", table="t") == 53
    assert delta("basalt_table_local_read_duration_seconds_count", keyspace="obs", table="t") == 30
    assert value(after, "basalt_connected_clients") >= 1
    assert value(after, "basalt_client_requests_in_flight") == 0
    assert value(after, "basalt_table_memtable_bytes", keyspace="obs", table="t") > 0
    assert value(after, "basalt_commitlog_records_total") >= 53


def test_statement_stats_count_prepared_and_inlined_forms_in_one_row(observed):
    node, s = observed
    s.execute("TRUNCATE system_views.statement_stats")
    insert = s.prepare("INSERT INTO t (k, c, v) VALUES (?, ?, ?)")
    for i in range(10):
        s.execute(insert, (200, i, "p"))
    for i in range(5):
        s.execute("INSERT INTO t (k, c, v) VALUES (201, %d, 'inline')" % i)
    select = s.prepare("SELECT v FROM t WHERE k = ?")
    for _ in range(4):
        assert len(list(s.execute(select, (200,)))) == 10
    rows = {r.statement: r for r in s.execute("SELECT * FROM system_views.statement_stats WHERE keyspace_name = 'obs'")}
    inserted = rows["insert into t (k, c, v) values (?, ?, ?)"]
    assert (inserted.calls, inserted.rows, inserted.errors) == (15, 15, 0)
    selected = rows["select v from t where k = ?"]
    assert (selected.calls, selected.rows) == (4, 40)
    assert 0 < selected.p50_latency_ms <= selected.p99_latency_ms <= selected.max_latency_ms
    assert selected.first_seen <= selected.last_seen
    s.execute("TRUNCATE system_views.statement_stats")
    left = [r.statement for r in s.execute("SELECT statement FROM system_views.statement_stats WHERE keyspace_name = 'obs'")]
    # The TRUNCATE is counted once it has run, in the emptied store.
    assert left == ["truncate system_views.statement_stats"]


def test_a_slow_statement_is_logged_and_a_fast_one_is_not(observed):
    node, s = observed
    s.execute("CREATE TABLE big (k int PRIMARY KEY, v text)")
    insert = s.prepare("INSERT INTO big (k, v) VALUES (?, ?)")
    execute_concurrent_with_args(s, insert, [(k, "x" * 100) for k in range(30000)], concurrency=64)
    s.execute("TRUNCATE system_views.slow_queries")
    s.execute("SELECT v FROM big WHERE k = 7")
    started = time.time()
    # A full scan of 30,000 rows with a filter nothing matches: far past 300 ms on a debug build.
    s.execute(SimpleStatement("SELECT k FROM big WHERE v = 'none' ALLOW FILTERING", fetch_size=None), timeout=120)
    assert time.time() - started > 0.3, "the scan was too fast to test the slow-query log"
    entries = list(s.execute("SELECT * FROM system_views.slow_queries"))
    statements = [e.statement for e in entries]
    assert "SELECT k FROM big WHERE v = 'none' ALLOW FILTERING" in statements
    assert "SELECT v FROM big WHERE k = 7" not in statements
    scan = next(e for e in entries if e.statement.startswith("SELECT k FROM big"))
    assert scan.duration_ms > 300 and scan.keyspace_name == "obs" and scan.coordinator == node.host
    assert scan.replicas and scan.rows == 0
    log = open(node.log_path).read()
    assert "slow query" in log and "ALLOW FILTERING" in log


def test_virtual_tables_are_listed_and_readable(observed):
    node, s = observed
    s.execute("INSERT INTO t (k, c, v) VALUES (900, 0, 'w')")
    settings = {r.name: r.value for r in s.execute("SELECT * FROM system_views.settings")}
    assert settings["slow_query_log_timeout_ms"] == "300"
    assert settings["prometheus_port"] == str(node.prometheus_port)
    assert "auth_superuser_password" not in settings
    assert "t" in [r.table_name for r in s.execute("SELECT * FROM system_views.disk_usage WHERE keyspace_name = 'obs'")]
    caches = list(s.execute("SELECT * FROM system_views.caches"))
    assert [c.name for c in caches] == ["blocks"]
    latency = {r.table_name: r for r in s.execute("SELECT * FROM system_views.local_write_latency WHERE keyspace_name = 'obs'")}
    assert latency["t"].count > 0 and latency["t"].median_ms <= latency["t"].max_ms
    assert list(s.execute("SELECT address FROM system_views.clients"))
    tables = set(s.cluster.metadata.keyspaces["system_views"].tables)
    assert {"clients", "settings", "statement_stats", "slow_queries", "disk_usage", "caches",
            "local_read_latency", "local_write_latency"} <= tables
    result = subprocess.run([CQLSH, node.host, str(node.port), "-e", "DESCRIBE KEYSPACES"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    # cqlsh lists the schema's keyspaces only, not the virtual ones (as against Cassandra).
    assert "obs" in result.stdout.split()
    result = subprocess.run([CQLSH, node.host, str(node.port), "-e", "DESCRIBE TABLE system_views.statement_stats"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "VIRTUAL TABLE system_views.statement_stats" in result.stdout


@pytest.fixture(scope="module")
def local_cluster():
    # Fixed addresses and ports: run under `flock /tmp/basalt-cluster.lock`.
    with tempfile.TemporaryDirectory(prefix="basalt-cluster-") as run_dir:
        c = LocalCluster(run_dir, nodes=2)
        c.start()
        try:
            yield c
        finally:
            c.clear()


def test_hints_pending_for_a_killed_replica_drain_after_its_restart(local_cluster):
    cluster, s = node_session(local_cluster.host(1))
    try:
        s.execute("CREATE KEYSPACE lag WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}")
        s.execute("CREATE TABLE lag.t (k int PRIMARY KEY, v text)")
        insert = s.prepare("INSERT INTO lag.t (k, v) VALUES (?, ?)")
        insert.consistency_level = ConsistencyLevel.ONE
        local_cluster.run("kill", "2")
        local_cluster.wait_until(lambda: local_cluster.state_seen_by(1, 2) == "DOWN", timeout=60, what="node 2 convicted")
        for k in range(200):
            s.execute(insert, (k, "v%d" % k))
        peer = local_cluster.host(2)
        samples = scrape(local_cluster.host(1), 9180)
        targets = [dict(labels) for (name, labels) in samples if name == "basalt_hints_pending_bytes" and ("peer", peer) in labels]
        assert len(targets) == 1, "no hints pending for %s" % peer
        target = targets[0]
        assert value(samples, "basalt_hints_pending_bytes", **target) > 0
        assert value(samples, "basalt_hints_written_total", **target) == 200
        assert value(samples, "basalt_gossip_down_nodes") == 1

        local_cluster.run("restart", "2")

        def drained():
            now = scrape(local_cluster.host(1), 9180)
            return (value(now, "basalt_hints_pending_bytes", **target) == 0
                    and value(now, "basalt_hints_delivered_total", **target) == 200 and value(now, "basalt_gossip_down_nodes") == 0)
        local_cluster.wait_until(drained, timeout=90, what="hints for node 2 delivered")
    finally:
        cluster.shutdown()


ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def documented_metrics():
    import re
    text = open(os.path.join(ROOT, "docs", "metrics.md")).read()
    return set(re.findall(r"^\| `(basalt_[a-z_]+)", text, re.MULTILINE))


def test_every_scraped_and_charted_metric_is_documented(observed):
    import json
    import re
    node, _ = observed
    documented = documented_metrics()
    text = urllib.request.urlopen("http://%s:%d/metrics" % (node.host, node.prometheus_port), timeout=10).read().decode()
    scraped = {family.name for family in text_string_to_metric_families(text)}
    # prometheus_client names a counter family without its _total.
    undocumented = {name for name in scraped if name not in documented and name + "_total" not in documented}
    assert not undocumented, "not in docs/metrics.md: %s" % sorted(undocumented)
    dashboard = json.load(open(os.path.join(ROOT, "cluster", "grafana-dashboard.json")))
    charted = set()
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            charted |= {re.sub(r"_(bucket|count|sum)$", "", name) for name in re.findall(r"basalt_[a-z_]+", target["expr"])}
    assert charted and charted <= documented, "charted but not documented: %s" % sorted(charted - documented)
