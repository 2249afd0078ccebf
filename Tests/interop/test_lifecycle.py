"""Node lifecycle on a real cluster run by scripts/cluster: a node added while a writer keeps writing
streams its ranges before it serves (RF=1, so each row has one copy and a missed one is gone);
removenode of a killed node restores RF=2 (another node stopped afterwards loses nothing);
decommission hands a node's ranges over (RF=1); replace puts a new node in a dead one's place.

Node 4's first bootstrap is killed on purpose: its second start streams everything again.
The tests run in order on one cluster (3 nodes, then 4, 3, 2 and a replacement): each change
starts from the cluster the previous one left. The issue's 100,000 rows are 10,000 here
(BASALT_LIFECYCLE_ROWS for more), to keep the module at a few minutes on a debug build."""
import os
import subprocess
import tempfile
import threading
import time

import pytest
from cassandra import ConsistencyLevel
from cassandra.cluster import Cluster
from cassandra.concurrent import execute_concurrent_with_args
from cassandra.query import SimpleStatement

from local_cluster import BASALT, ROOT, LocalCluster, node_session

ROWS = int(os.environ.get("BASALT_LIFECYCLE_ROWS", "10000"))
RF2_ROWS = 3000


@pytest.fixture(scope="module")
def local_cluster():
    with tempfile.TemporaryDirectory(prefix="basalt-lifecycle-") as run_dir:
        # A short ring delay: gossip reaches every node of a local cluster in a few rounds.
        with open(os.path.join(ROOT, "cluster", "basalt.yaml")) as f:
            config = f.read().replace("ring_delay_ms: 10000", "ring_delay_ms: 3000")
        config_path = os.path.join(run_dir, "basalt.yaml")
        with open(config_path, "w") as f:
            f.write(config)
        c = LocalCluster(run_dir, config=config_path)
        c.start()
        try:
            yield c
        finally:
            c.clear()


@pytest.fixture(scope="module")
def session(local_cluster):
    cluster = Cluster(["127.0.0.1"])
    s = cluster.connect()
    yield s
    cluster.shutdown()



def scan_missing(s, table, keys):
    """The keys whose row a full scan at ONE does not return (one query over every range)."""
    scan = SimpleStatement("SELECT k, v FROM %s" % table, consistency_level=ConsistencyLevel.ONE, fetch_size=5000)
    found = {row.k for row in s.execute(scan, timeout=60) if row.v == "v%d" % row.k}
    return sorted(set(keys) - found)


def read_missing(s, table, keys):
    """The keys whose row a read at ONE does not find."""
    select = s.prepare("SELECT v FROM %s WHERE k = ?" % table)
    select.consistency_level = ConsistencyLevel.ONE
    results = execute_concurrent_with_args(s, select, [(k,) for k in keys], concurrency=64, raise_on_first_error=False)
    return [k for k, (ok, rows) in zip(keys, results) if not ok or rows.one() is None or rows.one().v != "v%d" % k]


def test_bootstrap_rf1_streams_every_row_to_the_added_node(session, local_cluster):
    session.execute("CREATE KEYSPACE boot WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
    session.execute("CREATE TABLE boot.t (k int PRIMARY KEY, v text)")
    session.execute("CREATE KEYSPACE rf2 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}")
    session.execute("CREATE TABLE rf2.t (k int PRIMARY KEY, v text)")
    insert = session.prepare("INSERT INTO boot.t (k, v) VALUES (?, ?)")
    insert.consistency_level = ConsistencyLevel.ONE
    for result in execute_concurrent_with_args(session, insert, [(k, "v%d" % k) for k in range(ROWS)], concurrency=64):
        assert result.success
    insert2 = session.prepare("INSERT INTO rf2.t (k, v) VALUES (?, ?)")
    insert2.consistency_level = ConsistencyLevel.QUORUM
    execute_concurrent_with_args(session, insert2, [(k, "v%d" % k) for k in range(RF2_ROWS)], concurrency=64)

    # A writer keeps writing while node 4 joins; only acknowledged rows are promised.
    acknowledged = set(range(ROWS))
    failed = []
    stop = threading.Event()

    def write():
        k = ROWS
        while not stop.is_set():
            try:
                session.execute(insert, (k, "v%d" % k), timeout=10)
                acknowledged.add(k)
            except Exception as error:  # timeouts and unavailables are allowed, not counted
                failed.append(error)
            k += 1

    writer = threading.Thread(target=write)
    writer.start()
    node4 = os.path.join(local_cluster.run_dir, "node4")
    try:
        # The first attempt is killed while it bootstraps: it must not come back NORMAL with half
        # its data, but BOOT again, and stream everything.
        adding = subprocess.Popen([os.path.join(ROOT, "scripts", "cluster"), "add"], cwd=ROOT, env=local_cluster.env,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        local_cluster.wait_until(lambda: "announced BOOT" in open(os.path.join(node4, "node.log")).read(),
                                 timeout=60, what="node 4 to announce BOOT")
        local_cluster.run("kill", "4")
        adding.wait(timeout=60)
        with open(os.path.join(node4, "data", "node-identity")) as f:
            assert "bootstrap=pending" in f.read()
        out = local_cluster.run("restart", "4", timeout=300)
        assert "node 4 is UP" in out
        time.sleep(2)  # writes after the join, routed by the new ring
    finally:
        stop.set()
        writer.join()
    written_during = len(acknowledged) - ROWS
    assert written_during > 0, failed[:3]

    local_cluster.wait_until(lambda: len(session.cluster.metadata.all_hosts()) == 4, timeout=30, what="the driver to see node 4")
    keys = sorted(acknowledged)
    assert scan_missing(session, "boot.t", keys) == []

    # Node 4 holds about its share, and has those rows itself: a read at ONE coordinated by node 4
    # for a key node 4 owns (RF=1) is answered from its own storage.
    host4 = next(h for h in session.cluster.metadata.all_hosts() if h.address == local_cluster.host(4))
    owned = [k for k in keys if session.cluster.metadata.get_replicas("boot", insert.bind((k, "")).routing_key) == [host4]]
    assert 0.1 * len(keys) < len(owned) < 0.45 * len(keys), len(owned)
    cluster, on4 = node_session(local_cluster.host(4))
    try:
        assert read_missing(on4, "boot.t", owned) == []
    finally:
        cluster.shutdown()
    with open(os.path.join(node4, "node.log")) as f:
        log = f.read()
    assert log.count("announced BOOT") == 2 and log.count("bootstrap streamed") == 1
    with open(os.path.join(node4, "data", "node-identity")) as f:
        assert "bootstrap" not in f.read()


def admin(host, *args):
    return subprocess.run([BASALT, "admin", "--host", host, *args], capture_output=True, text=True, timeout=120)


def host_id(local_cluster, viewer, node):
    return next(m["host_id"] for m in local_cluster.view(viewer)["members"] if m["address"] == local_cluster.host(node))


def test_removenode_rf2_restores_every_replica(session, local_cluster):
    # A node that is up is not removed: the refusal says why and changes nothing.
    refused = admin(local_cluster.host(1), "removenode", host_id(local_cluster, 1, 4))
    assert refused.returncode == 1 and "is up" in refused.stderr, refused
    local_cluster.run("kill", "4")
    local_cluster.wait_until(lambda: local_cluster.state_seen_by(1, 4) == "DOWN", timeout=60, what="node 4 to be convicted")
    out = local_cluster.run("remove", "4", timeout=300)
    assert "removed" in out
    local_cluster.wait_until(lambda: all(m["address"] != local_cluster.host(4) or m["status"] == "LEFT"
                                         for i in (1, 2, 3) for m in local_cluster.view(i)["members"]),
                             timeout=30, what="every node to see node 4 LEFT")
    # Two copies again of every row of rf2: with one more node stopped, each is still readable at ONE.
    local_cluster.run("stop", "3")
    try:
        local_cluster.wait_until(lambda: local_cluster.state_seen_by(1, 3) == "DOWN", timeout=30, what="node 3 down")
        assert scan_missing(session, "rf2.t", list(range(RF2_ROWS))) == []
    finally:
        local_cluster.run("restart", "3")
    peers = sorted(r.peer for r in session.execute("SELECT peer FROM system.peers"))
    assert local_cluster.host(4) not in peers


def test_decommission_rf1_keeps_every_row(session, local_cluster):
    # Node 4 took the only copies of its RF=1 boot rows with it; decommission gets its own keyspace.
    session.execute("CREATE KEYSPACE dec WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
    session.execute("CREATE TABLE dec.t (k int PRIMARY KEY, v text)")
    insert = session.prepare("INSERT INTO dec.t (k, v) VALUES (?, ?)")
    keys = list(range(ROWS // 2))
    for result in execute_concurrent_with_args(session, insert, [(k, "v%d" % k) for k in keys], concurrency=64):
        assert result.success
    out = local_cluster.run("decommission", "3", timeout=300)
    assert "left the ring" in out
    local_cluster.wait_until(lambda: len([m for m in local_cluster.view(1)["members"] if m["status"] == "NORMAL"]) == 2,
                             timeout=30, what="node 1 to see two NORMAL nodes")
    with open(os.path.join(local_cluster.run_dir, "node3", "node.log")) as f:
        assert "decommissioned" in f.read()
    # A decommissioned node does not come back on its old data.
    with pytest.raises(RuntimeError, match="was decommissioned"):
        local_cluster.run("restart", "3")
    local_cluster.wait_until(lambda: not any(h.address == local_cluster.host(3) and h.is_up
                                             for h in session.cluster.metadata.all_hosts()),
                             timeout=30, what="the driver to drop node 3")
    assert scan_missing(session, "dec.t", keys) == []
    assert scan_missing(session, "rf2.t", list(range(RF2_ROWS))) == []


def test_replace_takes_a_dead_nodes_tokens_and_data(session, local_cluster):
    local_cluster.run("kill", "2")
    local_cluster.wait_until(lambda: local_cluster.state_seen_by(1, 2) == "DOWN", timeout=60, what="node 2 to be convicted")
    out = local_cluster.run("replace", "2", timeout=300)
    assert "node 5 replaced node 2" in out
    local_cluster.wait_until(lambda: all(m["address"] != local_cluster.host(2) or m["status"] == "LEFT"
                                         for m in local_cluster.view(1)["members"]), timeout=30, what="node 2 LEFT")
    cluster, on5 = node_session(local_cluster.host(5))
    try:
        # Two nodes left and RF=2: decommission is refused, with the reason.
        refused = admin(local_cluster.host(5), "decommission")
        assert refused.returncode == 1 and "replication factor 2" in refused.stderr, refused
        # Node 5 alone must hold every rf2 row once node 1 is stopped.
        local_cluster.run("stop", "1")
        assert scan_missing(on5, "rf2.t", list(range(RF2_ROWS))) == []
        peers = sorted(r.peer for r in on5.execute("SELECT peer FROM system.peers"))
        assert local_cluster.host(2) not in peers
    finally:
        cluster.shutdown()
