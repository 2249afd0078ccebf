"""A node with PasswordAuthenticator and CassandraAuthorizer, driven by the Python driver and cqlsh:
logins, roles, grants and refusals, each a clean error on a connection that stays usable."""
import os
import subprocess
import sys
import tempfile

import pytest
from cassandra import AuthenticationFailed, Unauthorized
from cassandra.auth import PlainTextAuthProvider
from cassandra.cluster import Cluster, NoHostAvailable

from conftest import Node, free_port

CQLSH = os.path.join(os.path.dirname(sys.executable), "cqlsh")
PASSWORD = "s3cret-from-env"
AUTH_ARGS = ["--authenticator", "PasswordAuthenticator", "--authorizer", "CassandraAuthorizer"]


@pytest.fixture(scope="module")
def auth_node():
    with tempfile.TemporaryDirectory(prefix="basalt-auth-") as directory:
        env = dict(os.environ, BASALT_SUPERUSER_PASSWORD=PASSWORD)
        n = Node(directory, free_port(), args=AUTH_ARGS, env=env)
        n.start()
        yield n
        n.stop()


def connect(node, user, password):
    cluster = Cluster([node.host], port=node.port, auth_provider=PlainTextAuthProvider(user, password))
    return cluster, cluster.connect()


@pytest.fixture(scope="module")
def admin(auth_node):
    cluster, session = connect(auth_node, "cassandra", PASSWORD)
    session.execute("CREATE KEYSPACE IF NOT EXISTS sec WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
    session.execute("CREATE TABLE IF NOT EXISTS sec.t (k int PRIMARY KEY, v text)")
    session.execute("INSERT INTO sec.t (k, v) VALUES (1, 'one')")
    yield session
    cluster.shutdown()


def auth_failure(excinfo):
    return [e for e in excinfo.value.errors.values() if isinstance(e, AuthenticationFailed)]


def test_superuser_password_comes_from_the_environment(admin):
    row = admin.execute("SELECT role, is_superuser, can_login FROM system_auth.roles WHERE role = 'cassandra'").one()
    assert row.is_superuser and row.can_login
    assert admin.execute("SELECT v FROM sec.t WHERE k = 1").one().v == "one"
    assert "cassandra" in {r.username for r in admin.execute("SELECT username FROM system_views.clients")}


def test_wrong_password_is_refused_and_the_node_keeps_serving(auth_node, admin):
    with pytest.raises(NoHostAvailable) as excinfo:
        connect(auth_node, "cassandra", "wrong")
    failures = auth_failure(excinfo)
    assert failures and "Provided username cassandra and/or password are incorrect" in str(failures[0])
    with pytest.raises(NoHostAvailable) as excinfo:
        connect(auth_node, "nobody", "x")
    assert auth_failure(excinfo)
    assert admin.execute("SELECT v FROM sec.t WHERE k = 1").one().v == "one"


def test_a_client_without_credentials_cannot_connect(auth_node):
    cluster = Cluster([auth_node.host], port=auth_node.port)
    with pytest.raises(NoHostAvailable):
        cluster.connect()
    cluster.shutdown()


def test_grant_read_only_then_revoke(auth_node, admin):
    admin.execute("CREATE ROLE IF NOT EXISTS reader WITH PASSWORD = 'rpw' AND LOGIN = true")
    admin.execute("GRANT SELECT ON TABLE sec.t TO reader")
    cluster, reader = connect(auth_node, "reader", "rpw")
    try:
        assert reader.execute("SELECT v FROM sec.t WHERE k = 1").one().v == "one"
        with pytest.raises(Unauthorized) as excinfo:
            reader.execute("INSERT INTO sec.t (k, v) VALUES (2, 'two')")
        assert "User reader has no MODIFY permission on <table sec.t> or any of its parents" in str(excinfo.value)
        prepared = reader.prepare("SELECT v FROM sec.t WHERE k = ?")
        assert reader.execute(prepared, [1]).one().v == "one"
        rows = list(admin.execute("LIST ALL PERMISSIONS OF reader"))
        assert [(r.role, r.resource, r.permission) for r in rows] == [("reader", "<table sec.t>", "SELECT")]
        admin.execute("REVOKE SELECT ON sec.t FROM reader")
        with pytest.raises(Unauthorized):
            reader.execute("SELECT v FROM sec.t WHERE k = 1")
        with pytest.raises(Unauthorized):
            reader.execute(prepared, [1])  # checked again at EXECUTE
        assert reader.execute("SELECT release_version FROM system.local").one() is not None
        with pytest.raises(Unauthorized) as excinfo:
            reader.execute("CREATE ROLE intruder WITH SUPERUSER = true")
        assert "has no CREATE permission on <all roles>" in str(excinfo.value)
        with pytest.raises(Unauthorized):
            reader.execute("SELECT salted_hash FROM system_auth.roles")
    finally:
        cluster.shutdown()


def test_roles_lifecycle_and_login_flag(auth_node, admin):
    admin.execute("CREATE ROLE IF NOT EXISTS nologin WITH PASSWORD = 'npw' AND LOGIN = false")
    with pytest.raises(NoHostAvailable) as excinfo:
        connect(auth_node, "nologin", "npw")
    assert "nologin is not permitted to log in" in str(auth_failure(excinfo)[0])
    admin.execute("ALTER ROLE nologin WITH LOGIN = true")
    cluster, session = connect(auth_node, "nologin", "npw")
    cluster.shutdown()
    roles = {r.role: r for r in admin.execute("LIST ROLES")}
    assert roles["cassandra"].super and roles["nologin"].login and not roles["nologin"].super
    admin.execute("DROP ROLE nologin")
    assert "nologin" not in {r.role for r in admin.execute("LIST ROLES")}
    with pytest.raises(NoHostAvailable):
        connect(auth_node, "nologin", "npw")


def test_cqlsh_logs_in(auth_node, admin):
    command = [CQLSH, auth_node.host, str(auth_node.port), "-u", "cassandra", "-p", PASSWORD, "-e", "SELECT v FROM sec.t WHERE k = 1"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "one" in result.stdout
    result = subprocess.run(command[:-1] + ["LIST ROLES; LIST USERS"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "cassandra" in result.stdout and "datacenters" in result.stdout
    command[6] = "wrong"
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "incorrect" in result.stdout + result.stderr


def test_first_start_without_a_password_is_refused():
    with tempfile.TemporaryDirectory(prefix="basalt-auth-") as directory:
        env = {k: v for k, v in os.environ.items() if k != "BASALT_SUPERUSER_PASSWORD"}
        n = Node(directory, free_port(), args=AUTH_ARGS, env=env)
        with pytest.raises(RuntimeError) as excinfo:
            n.start()
        n.stop()
        assert "BASALT_SUPERUSER_PASSWORD" in str(excinfo.value)
