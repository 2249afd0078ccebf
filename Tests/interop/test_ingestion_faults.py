"""Ingestion under faults: 100,000 QUORUM writes into a 3-node RF=3 cluster while a node is killed
(SIGKILL) and restarted about every 10 s; afterwards every acknowledged row must be found at
QUORUM. Writes whose outcome the client could not know (timeouts, connections cut mid-request) are
counted and reported, not treated as lost or as written."""
import tempfile
import threading
import time

from cassandra import ConsistencyLevel, Unavailable
from cassandra.cluster import Cluster, ExecutionProfile, EXEC_PROFILE_DEFAULT
from cassandra.concurrent import execute_concurrent_with_args
from cassandra.query import SimpleStatement

from local_cluster import LocalCluster

ROWS = 100_000


class Chaos(threading.Thread):
    """Kills node 2 or 3 (alternately), restarts it, waits, again — until stopped."""

    def __init__(self, cluster):
        super().__init__(daemon=True)
        self.cluster = cluster
        self.stopped = threading.Event()
        self.cycles = 0

    def run(self):
        victim = 2
        while not self.stopped.wait(4):
            self.cluster.run("kill", str(victim))
            self.stopped.wait(3)
            self.cluster.run("restart", str(victim))
            self.cycles += 1
            victim = 5 - victim


def test_every_acknowledged_quorum_write_survives_kills_and_restarts():
    with tempfile.TemporaryDirectory(prefix="basalt-chaos-") as run_dir:
        local = LocalCluster(run_dir)
        local.start()
        profile = ExecutionProfile(consistency_level=ConsistencyLevel.QUORUM, request_timeout=20)
        cluster = Cluster(["127.0.0.1"], execution_profiles={EXEC_PROFILE_DEFAULT: profile})
        try:
            session = cluster.connect()
            session.execute("CREATE KEYSPACE chaos WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}")
            session.execute("CREATE TABLE chaos.t (k int PRIMARY KEY, v int)")
            insert = session.prepare("INSERT INTO chaos.t (k, v) VALUES (?, ?)")

            chaos = Chaos(local)
            started = time.time()
            chaos.start()
            results = execute_concurrent_with_args(session, insert, ((k, k * 7) for k in range(ROWS)),
                                                   concurrency=128, raise_on_first_error=False)
            chaos.stopped.set()
            chaos.join()
            elapsed = time.time() - started
            acknowledged = [k for k, (ok, _) in enumerate(results) if ok]
            refused = sum(1 for ok, error in results if not ok and isinstance(error, Unavailable))
            unknown = ROWS - len(acknowledged) - refused

            # Every node is back; read everything at QUORUM.
            for i in (2, 3):
                local.run("restart", str(i))
            found = {}
            scan = SimpleStatement("SELECT k, v FROM chaos.t", fetch_size=5000)
            for row in session.execute(scan):
                found[row.k] = row.v
            missing = [k for k in acknowledged if found.get(k) != k * 7]
            print("\ningestion under faults: %d writes in %.1f s (%.0f/s), %d kill/restart cycles, %d acknowledged, "
                  "%d refused (Unavailable), %d outcome unknown, %d found, %d acknowledged but missing"
                  % (ROWS, elapsed, ROWS / elapsed, chaos.cycles, len(acknowledged), refused, unknown, len(found), len(missing)))
            assert chaos.cycles >= 1
            assert not missing, "acknowledged writes lost: %s" % missing[:20]
            assert set(found) - set(range(ROWS)) == set(), "rows nobody wrote"
        finally:
            cluster.shutdown()
            local.clear()
