"""Internode TLS (server_encryption_options) in a 2-node cluster started by `scripts/cluster start
--tls`: writes at ALL cross the encrypted links, and a node whose certificate another CA signed
cannot join. Uses the fixed addresses 127.0.0.1-3: run under flock /tmp/basalt-cluster.lock."""
import os
import signal
import ssl
import subprocess
import tempfile
import time

import pytest
from cassandra import ConsistencyLevel
from cassandra.cluster import Cluster, ExecutionProfile, EXEC_PROFILE_DEFAULT
from cassandra.policies import WhiteListRoundRobinPolicy
from cassandra.query import SimpleStatement

from local_cluster import BASALT, LocalCluster, ROOT
from tls_certificates import encryption_section, make_certificates


@pytest.fixture(scope="module")
def local_cluster():
    with tempfile.TemporaryDirectory(prefix="basalt-tls-cluster-") as run_dir:
        c = LocalCluster(run_dir, nodes=2)
        output = c.run("start", "--tls", "--nodes", "2")
        assert "cqlsh --ssl" in output and "ssl_context" in output
        try:
            yield c
        finally:
            c.clear()


def tls_session(local_cluster, host):
    context = ssl.create_default_context(cafile=os.path.join(local_cluster.run_dir, "tls", "ca.pem"))
    profile = ExecutionProfile(load_balancing_policy=WhiteListRoundRobinPolicy([host]))
    cluster = Cluster([host], ssl_context=context, execution_profiles={EXEC_PROFILE_DEFAULT: profile})
    return cluster, cluster.connect()


def test_writes_at_all_cross_the_encrypted_links(local_cluster):
    first, writer = tls_session(local_cluster, local_cluster.host(1))
    second, reader = tls_session(local_cluster, local_cluster.host(2))
    try:
        writer.execute("CREATE KEYSPACE IF NOT EXISTS tls WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}")
        writer.execute("CREATE TABLE IF NOT EXISTS tls.t (k int PRIMARY KEY, v text)")
        for k in range(50):
            writer.execute(SimpleStatement("INSERT INTO tls.t (k, v) VALUES (%s, %s)", consistency_level=ConsistencyLevel.ALL),
                           (k, "v%d" % k))
        rows = reader.execute(SimpleStatement("SELECT k, v FROM tls.t", consistency_level=ConsistencyLevel.ALL))
        assert sorted((r.k, r.v) for r in rows) == [(k, "v%d" % k) for k in range(50)]
    finally:
        first.shutdown()
        second.shutdown()


def test_a_node_with_a_certificate_from_another_ca_cannot_join(local_cluster):
    with tempfile.TemporaryDirectory(prefix="basalt-tls-stranger-") as directory:
        make_certificates(directory, {"other-ca": {"stranger": "IP:127.0.0.3"}})
        config = os.path.join(directory, "basalt.yaml")
        with open(os.path.join(ROOT, "cluster", "basalt.yaml")) as template, open(config, "w") as out:
            out.write(template.read())
            out.write(encryption_section("server_encryption_options", directory, "stranger", ca="other-ca",
                                         internode_encryption="all"))
        log_path = os.path.join(directory, "node.log")
        with open(log_path, "wb") as log:
            stranger = subprocess.Popen(
                [BASALT, "start", "--config", config, "--listen-address", "127.0.0.3", "--native-port", "9042",
                 "--data-dir", os.path.join(directory, "data"), "--seeds", "127.0.0.1", "--ring-delay-ms", "2000"],
                stdout=subprocess.DEVNULL, stderr=log)
        try:
            local_cluster.wait_until(lambda: "TLS refused" in open(log_path, errors="replace").read(), timeout=30,
                                     what="the stranger's TLS refusal in its log")
            time.sleep(3)
            for viewer in (1, 2):
                assert local_cluster.state_seen_by(viewer, 3) is None
            assert "TLS refused" in local_cluster.log_tail(1, 400)
        finally:
            stranger.send_signal(signal.SIGKILL)
            stranger.wait(timeout=30)
