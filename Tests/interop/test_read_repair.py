"""Blocking read repair on real processes, in a cluster whose hints are off (so only the read can
bring a stale replica up to date)."""
import os
import tempfile

import pytest
from cassandra import ConsistencyLevel
from cassandra.cluster import Cluster, ExecutionProfile, EXEC_PROFILE_DEFAULT
from cassandra.policies import WhiteListRoundRobinPolicy
from cassandra.query import SimpleStatement

from local_cluster import ROOT, LocalCluster


def on(host, consistency):
    profile = ExecutionProfile(load_balancing_policy=WhiteListRoundRobinPolicy([host]), consistency_level=consistency)
    cluster = Cluster([host], execution_profiles={EXEC_PROFILE_DEFAULT: profile})
    return cluster, cluster.connect()


def test_a_write_seen_by_one_replica_is_repaired_by_a_read_at_all():
    with tempfile.TemporaryDirectory(prefix="basalt-repair-") as run_dir:
        config = os.path.join(run_dir, "basalt.yaml")
        with open(os.path.join(ROOT, "cluster", "basalt.yaml")) as template, open(config, "w") as out:
            out.write(template.read().replace("hinted_handoff_enabled: true", "hinted_handoff_enabled: false"))
        local = LocalCluster(os.path.join(run_dir, "run"), config=config)
        local.start()
        try:
            c1, s1 = on("127.0.0.1", ConsistencyLevel.ALL)
            s1.execute("CREATE KEYSPACE rr WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}")
            s1.execute("CREATE TABLE rr.t (k int PRIMARY KEY, v text)")
            c1.shutdown()
            local.run("kill", "2")
            local.run("kill", "3")
            c1, s1 = on("127.0.0.1", ConsistencyLevel.ONE)
            s1.execute("INSERT INTO rr.t (k, v) VALUES (7, 'only on node 1')")
            c1.shutdown()
            local.run("restart", "2")
            local.run("restart", "3")
            c3, s3 = on("127.0.0.3", ConsistencyLevel.ONE)
            assert s3.execute("SELECT v FROM rr.t WHERE k = 7").one() is None, "node 3 missed the write"
            c2, s2 = on("127.0.0.2", ConsistencyLevel.ALL)
            assert s2.execute("SELECT v FROM rr.t WHERE k = 7").one().v == "only on node 1"
            # The read at ALL repaired the stale replicas before it answered.
            assert s3.execute("SELECT v FROM rr.t WHERE k = 7").one().v == "only on node 1"
            c2.shutdown()
            c3.shutdown()
        finally:
            local.clear()
