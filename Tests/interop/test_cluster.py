"""A real 3-node cluster (scripts/cluster, SIGKILL, restarts) driven by the Python driver: discovery,
token-aware routing, QUORUM through a dead node, Unavailable at ALL, hints, schema agreement."""
import tempfile
import time

import pytest
from cassandra import ConsistencyLevel, Unavailable
from cassandra.cluster import Cluster
from cassandra.query import SimpleStatement

from local_cluster import LocalCluster, node_session


@pytest.fixture(scope="module")
def local_cluster():
    with tempfile.TemporaryDirectory(prefix="basalt-cluster-") as run_dir:
        c = LocalCluster(run_dir)
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



def test_driver_discovers_every_node_and_routes_to_replicas(session, local_cluster):
    hosts = sorted(str(h.endpoint) for h in session.cluster.metadata.all_hosts())
    assert hosts == ["127.0.0.1:9042", "127.0.0.2:9042", "127.0.0.3:9042"]
    started = time.time()
    session.execute("CREATE KEYSPACE routed WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
    session.execute("CREATE TABLE routed.t (k int PRIMARY KEY, v text)")
    # The driver waits for schema agreement after DDL: well under its 10 s limit means the nodes agreed.
    assert time.time() - started < 5
    insert = session.prepare("INSERT INTO routed.t (k, v) VALUES (?, ?)")
    select = session.prepare("SELECT v FROM routed.t WHERE k = ?")
    for k in range(200):
        bound = insert.bind((k, "v%d" % k))
        replicas = session.cluster.metadata.get_replicas("routed", bound.routing_key)
        assert len(replicas) == 1
        future = session.execute_async(bound)
        future.result()
        # Token-aware routing chose the replica as coordinator: the ring the driver built from
        # system.peers matches the one the nodes place data with.
        assert future._current_host == replicas[0]
    # With RF=1 each row lives on one node only; every row is still found through any coordinator.
    assert sorted(r.k for r in session.execute("SELECT k FROM routed.t")) == list(range(200))
    for k in (0, 99, 199):
        assert session.execute(select, (k,)).one().v == "v%d" % k


def test_peers_tables_show_the_other_nodes(local_cluster):
    for i in (1, 2, 3):
        cluster, s = node_session(local_cluster.host(i))
        try:
            peers = sorted(r.peer for r in s.execute("SELECT peer FROM system.peers"))
            assert peers == sorted(local_cluster.host(j) for j in (1, 2, 3) if j != i)

            def agreed():
                versions = {r.schema_version for r in s.execute("SELECT schema_version FROM system.peers_v2")}
                versions.add(s.execute("SELECT schema_version FROM system.local").one().schema_version)
                return len(versions) == 1
            # Nodes other than the DDL's coordinator learn each other's new version by gossip.
            local_cluster.wait_until(agreed, timeout=10, what="schema agreement seen from node %d" % i)
        finally:
            cluster.shutdown()


def test_quorum_survives_a_dead_node_all_is_unavailable_and_hints_catch_it_up(session, local_cluster):
    session.execute("CREATE KEYSPACE rf3 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}")
    session.execute("CREATE TABLE rf3.t (k int PRIMARY KEY, v text)")
    insert = session.prepare("INSERT INTO rf3.t (k, v) VALUES (?, ?)")
    insert.consistency_level = ConsistencyLevel.QUORUM
    local_cluster.run("kill", "3")
    for k in range(500):
        session.execute(insert, (k, "v%d" % k))
    local_cluster.wait_until(lambda: local_cluster.state_seen_by(1, 3) == "DOWN" and local_cluster.state_seen_by(2, 3) == "DOWN",
                             timeout=60, what="node 3 to be convicted")
    for k in range(500, 1000):
        session.execute(insert, (k, "v%d" % k))
    with pytest.raises(Unavailable) as raised:
        session.execute(SimpleStatement("INSERT INTO rf3.t (k, v) VALUES (1, 'x')", consistency_level=ConsistencyLevel.ALL))
    assert raised.value.required_replicas == 3 and raised.value.alive_replicas == 2

    local_cluster.run("restart", "3")
    cluster, on3 = node_session(local_cluster.host(3))
    try:
        count = SimpleStatement("SELECT count(*) FROM rf3.t", consistency_level=ConsistencyLevel.ONE)
        # Node 3 alone (ONE, and it is a replica of everything at RF=3) sees every write once its hints arrive.
        local_cluster.wait_until(lambda: on3.execute(count).one()[0] == 1000, timeout=60, what="hints delivered to node 3")
    finally:
        cluster.shutdown()


def test_schema_reaches_a_node_that_was_down(session, local_cluster):
    local_cluster.run("kill", "2")
    try:
        # Until the driver or gossip sees node 2 down, node 2's old schema version in system.peers
        # keeps the driver waiting for agreement (max_schema_agreement_wait, 10 s) before it hands
        # back the answer: the statement's own timeout must outlast that wait.
        session.execute("CREATE KEYSPACE latecomer WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}",
                        timeout=40)
        session.execute("CREATE TABLE latecomer.t (k int PRIMARY KEY)", timeout=40)
    finally:
        # Later tests need every node, whatever happened here.
        local_cluster.run("restart", "2")
    cluster, on2 = node_session(local_cluster.host(2))
    try:
        on2.execute("INSERT INTO latecomer.t (k) VALUES (1)")
        assert on2.execute("SELECT k FROM latecomer.t WHERE k = 1").one().k == 1
    finally:
        cluster.shutdown()


def test_a_stopped_node_is_down_for_its_peers_at_once_and_drivers_are_told(session, local_cluster):
    """SIGTERM announces SHUTDOWN in gossip: the peers mark the node down within a gossip round
    (not after the failure detector's ~20 s), and the driver hears STATUS_CHANGE DOWN."""
    host3 = next(h for h in session.cluster.metadata.all_hosts() if h.address == local_cluster.host(3))
    started = time.time()
    local_cluster.run("stop", "3")
    local_cluster.wait_until(lambda: local_cluster.state_seen_by(1, 3) == "DOWN" and local_cluster.state_seen_by(2, 3) == "DOWN",
                             timeout=10, what="node 3 to be seen down after a graceful stop")
    assert time.time() - started < 10
    local_cluster.wait_until(lambda: not host3.is_up, timeout=10, what="the driver to mark node 3 down")
    local_cluster.run("restart", "3")
    local_cluster.wait_until(lambda: local_cluster.state_seen_by(1, 3) == "UP", timeout=30, what="node 3 back up")
