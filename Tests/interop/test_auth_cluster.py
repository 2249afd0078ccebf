"""Roles in a 3-node cluster (scripts/cluster) with authentication on: each node creating the
superuser at its first start converges to one role, and a role or grant made through one node is
honoured by the others (system_auth is replicated like any keyspace)."""
import os
import tempfile
import time

import pytest
from cassandra import Unauthorized
from cassandra.auth import PlainTextAuthProvider
from cassandra.cluster import Cluster, ExecutionProfile, EXEC_PROFILE_DEFAULT
from cassandra.policies import WhiteListRoundRobinPolicy

from local_cluster import LocalCluster, ROOT

PASSWORD = "cluster-secret"


@pytest.fixture(scope="module")
def local_cluster():
    with tempfile.TemporaryDirectory(prefix="basalt-auth-cluster-") as run_dir:
        config = os.path.join(run_dir, "basalt.yaml")
        with open(os.path.join(ROOT, "cluster", "basalt.yaml")) as template, open(config, "w") as out:
            out.write(template.read().replace("authenticator: AllowAllAuthenticator", "authenticator: PasswordAuthenticator")
                      .replace("authorizer: AllowAllAuthorizer", "authorizer: CassandraAuthorizer"))
        c = LocalCluster(run_dir, config=config)
        c.env["BASALT_SUPERUSER_PASSWORD"] = PASSWORD
        # scripts/cluster waits on `basalt admin status`, which a node with logins asks of a superuser.
        c.env["BASALT_ADMIN_USERNAME"] = "cassandra"
        c.env["BASALT_ADMIN_PASSWORD"] = PASSWORD
        c.start()
        try:
            yield c
        finally:
            c.clear()


def node_session(host, user, password):
    """A session logged in as `user` that sends every request to `host` (as its coordinator)."""
    profile = ExecutionProfile(load_balancing_policy=WhiteListRoundRobinPolicy([host]))
    cluster = Cluster([host], execution_profiles={EXEC_PROFILE_DEFAULT: profile},
                      auth_provider=PlainTextAuthProvider(user, password))
    return cluster, cluster.connect()


def test_roles_and_grants_reach_every_node(local_cluster):
    clusters = []
    try:
        sessions = []
        for i in (1, 2, 3):
            cluster, session = node_session(local_cluster.host(i), "cassandra", PASSWORD)
            clusters.append(cluster)
            sessions.append(session)
        assert [r.role for r in sessions[2].execute("SELECT role FROM system_auth.roles")] == ["cassandra"]
        admin = sessions[0]
        admin.execute("CREATE KEYSPACE IF NOT EXISTS shared WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}")
        admin.execute("CREATE TABLE IF NOT EXISTS shared.t (k int PRIMARY KEY, v int)")
        admin.execute("INSERT INTO shared.t (k, v) VALUES (1, 1)")
        admin.execute("CREATE ROLE app WITH PASSWORD = 'app-pw' AND LOGIN = true")
        cluster, app = node_session(local_cluster.host(3), "app", "app-pw")
        clusters.append(cluster)
        with pytest.raises(Unauthorized):
            app.execute("SELECT v FROM shared.t WHERE k = 1")
        sessions[1].execute("GRANT SELECT ON KEYSPACE shared TO app")
        time.sleep(2.5)  # node 3 reads the role's permissions again after its 2 s cache
        assert app.execute("SELECT v FROM shared.t WHERE k = 1").one().v == 1
    finally:
        for cluster in clusters:
            cluster.shutdown()
