"""Anti-entropy repair on real processes, in a cluster whose hints are off (so nothing but repair
can bring a replica that missed writes up to date): node 3 is stopped while rows are written at
QUORUM, restarted, and repaired; afterwards it alone answers every row, and a second repair finds
the replicas identical and moves no rows.

The issue's figure is 50,000 rows; 5,000 keep this test near half a minute on a shared 2-core
machine (BASALT_REPAIR_ROWS sets another count)."""
import json
import os
import random
import subprocess
import tempfile
import time

from cassandra import ConsistencyLevel
from cassandra.cluster import Cluster, ExecutionProfile, EXEC_PROFILE_DEFAULT
from cassandra.concurrent import execute_concurrent_with_args
from cassandra.policies import WhiteListRoundRobinPolicy

from conftest import BASALT, ROOT, Node

ROWS = int(os.environ.get("BASALT_REPAIR_ROWS", "5000"))


def on(host, consistency):
    profile = ExecutionProfile(load_balancing_policy=WhiteListRoundRobinPolicy([host]), consistency_level=consistency,
                               request_timeout=30)
    cluster = Cluster([host], execution_profiles={EXEC_PROFILE_DEFAULT: profile})
    return cluster, cluster.connect()


def repair(host, *args):
    result = subprocess.run([BASALT, "admin", "--host", host, "repair", *args, "--json"], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, "repair failed: %s%s" % (result.stdout, result.stderr)
    summary = json.loads(result.stdout)
    total = lambda field: sum(table[field] for table in summary["tables"])
    return summary, total


class Cluster3:
    """Three nodes on a /24 of loopback of their own (127.0.N.1-3, N drawn at random), so that the
    test shares no address with a cluster `scripts/cluster` runs on 127.0.0.1-3 meanwhile; node 1
    is the seed, every node uses the default ports of its own address."""

    def __init__(self, run_dir, config):
        subnet = random.randint(10, 250)
        self.hosts = ["127.0.%d.%d" % (subnet, i) for i in (1, 2, 3)]
        self.nodes = [Node(os.path.join(run_dir, "node%d" % i), 9042, host=host, storage_port=7000, admin_port=7199,
                           args=["--config", config, "--seeds", self.hosts[0]])
                      for i, host in enumerate(self.hosts, 1)]
        for node in self.nodes:
            os.makedirs(node.data_dir)

    def node(self, i):
        return self.nodes[i - 1]

    def wait_all_up(self, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            views = [admin_json(node, "status") for node in self.nodes if node.process and node.process.poll() is None]
            if all(view and sorted(m["state"] for m in view["nodes"]) == ["UN"] * 3 for view in views):
                return
            time.sleep(0.3)
        raise AssertionError("the nodes do not all see each other up after %ss" % timeout)

    def stop_all(self):
        for node in self.nodes:
            node.stop()


def admin_json(node, *args):
    result = subprocess.run([BASALT, "admin", "--host", node.host, "--port", str(node.admin_port), *args, "--json"],
                            capture_output=True, text=True, timeout=300)
    return json.loads(result.stdout) if result.returncode == 0 else None


def repair(node, *args):
    result = subprocess.run([BASALT, "admin", "--host", node.host, "--port", str(node.admin_port), "repair", *args, "--json"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, "repair failed: %s%s" % (result.stdout, result.stderr)
    summary = json.loads(result.stdout)
    total = lambda field: sum(table[field] for table in summary["tables"])
    return summary, total


def test_repair_brings_a_replica_that_missed_writes_up_to_date():
    with tempfile.TemporaryDirectory(prefix="basalt-repair-") as run_dir:
        config = os.path.join(run_dir, "basalt.yaml")
        with open(os.path.join(ROOT, "cluster", "basalt.yaml")) as template, open(config, "w") as out:
            out.write(template.read().replace("hinted_handoff_enabled: true", "hinted_handoff_enabled: false"))
        cluster = Cluster3(run_dir, config)
        try:
            for node in cluster.nodes:
                node.start()
            cluster.wait_all_up()
            n1, n3 = cluster.node(1), cluster.node(3)
            c1, s1 = on(n1.host, ConsistencyLevel.ALL)
            s1.execute("CREATE KEYSPACE ae WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}")
            s1.execute("CREATE TABLE ae.t (k int PRIMARY KEY, v text)")
            c1.shutdown()
            n3.stop()
            c1, s1 = on(n1.host, ConsistencyLevel.QUORUM)
            insert = s1.prepare("INSERT INTO ae.t (k, v) VALUES (?, ?)")
            results = execute_concurrent_with_args(s1, insert, [(k, "value %d" % k) for k in range(ROWS)], concurrency=64)
            assert all(ok for ok, _ in results)
            c1.shutdown()
            n3.start()
            cluster.wait_all_up()

            summary, total = repair(n3, "ae")
            total_first = total
            assert summary["failures"] == [] and total("rangesDiffered") > 0
            # Node 3 pulled every row it missed (from both other replicas, which agree) and had
            # nothing to send back: what the peers hold already matches what it merged.
            assert total("partitionsReceived") >= ROWS and total("partitionsSent") == 0
            assert total("rowsReceived") >= ROWS

            again, total = repair(n3, "ae", "t")
            assert again["failures"] == [] and total("rangesCompared") > 0
            assert total("rangesDiffered") == 0 and total("bytesReceived") + total("bytesSent") == 0
            # Identical replicas exchange tree roots only: a few dozen bytes per range and replica.
            assert total("treeBytes") < 100 * total("rangesCompared") * 2

            primary, total = repair(n3, "ae", "--pr")
            assert primary["primaryOnly"] and primary["failures"] == [] and total("rangesDiffered") == 0
            # Node 3's primary ranges: about a third of the ranges it replicates with RF=3.
            assert 0 < total("rangesCompared") < sum(t["rangesCompared"] for t in again["tables"])

            history = admin_json(n3, "repairhistory")["repairs"]
            assert [r["id"] for r in history] == [summary["id"], again["id"], primary["id"]]
            c3, s3 = on(n3.host, ConsistencyLevel.ONE)
            rows = list(s3.execute("SELECT id, status, ranges_differed, partitions_streamed FROM system_distributed.repair_history"))
            assert sorted(str(r.id) for r in rows) == sorted(r["id"].lower() for r in history)
            assert all(r.status == "SUCCESS" for r in rows)
            assert sorted(r.partitions_streamed for r in rows) == [0, 0, total_first("partitionsReceived")]
            c3.shutdown()

            cluster.node(1).stop()
            cluster.node(2).stop()
            c3, s3 = on(n3.host, ConsistencyLevel.ONE)
            seen = {row.k: row.v for row in s3.execute("SELECT k, v FROM ae.t")}
            assert len(seen) == ROWS and all(seen[k] == "value %d" % k for k in range(ROWS))
            c3.shutdown()
        except BaseException:
            for node in cluster.nodes:
                print("---- %s log (tail) ----" % node.host)
                print(open(node.log_path, errors="replace").read()[-4000:] if os.path.exists(node.log_path) else "(none)")
            raise
        finally:
            cluster.stop_all()
