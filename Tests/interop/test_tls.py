"""TLS on the native port (client_encryption_options) driven by the Python driver and cqlsh, and
the admin endpoint over HTTPS with PasswordAuthenticator: superusers only, HTTP Basic."""
import base64
import json
import os
import ssl
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

import pytest
from cassandra.auth import PlainTextAuthProvider
from cassandra.cluster import Cluster, NoHostAvailable

from conftest import BASALT, Node, free_port
from tls_certificates import encryption_section, make_certificates

CQLSH = os.path.join(os.path.dirname(sys.executable), "cqlsh")
PASSWORD = "admin-s3cret"


@pytest.fixture(scope="module")
def certificates():
    with tempfile.TemporaryDirectory(prefix="basalt-tls-") as directory:
        yield make_certificates(directory, {
            "ca": {"node": "IP:127.0.0.1,DNS:localhost", "client": "DNS:client"},
            "other-ca": {"stranger": "DNS:client"},
        })


def start_node(directory, yaml, args=(), env=None):
    config = os.path.join(directory, "basalt.yaml")
    with open(config, "w") as f:
        f.write(yaml)
    n = Node(directory, free_port(), args=["--config", config] + list(args), env=env)
    n.start()
    return n


@pytest.fixture(scope="module")
def node_with(certificates):
    """Starts a node with the given client_encryption_options settings; stops them all at the end."""
    started = []
    with tempfile.TemporaryDirectory(prefix="basalt-tls-node-") as root:
        def start(**settings):
            directory = tempfile.mkdtemp(dir=root)
            n = start_node(directory, encryption_section("client_encryption_options", certificates, "node",
                                                         enabled=True, **settings))
            started.append(n)
            return n
        yield start
        for n in started:
            n.stop()


@pytest.fixture(scope="module")
def tls_node(node_with):
    return node_with()


def client_context(certificates, certificate=None):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(os.path.join(certificates, "ca.pem"))
    # The node's certificate names 127.0.0.1, so the driver may check the address it dials.
    context.check_hostname = True
    if certificate:
        context.load_cert_chain(os.path.join(certificates, certificate + ".pem"),
                                os.path.join(certificates, certificate + ".key"))
    return context


def release_version(node, **options):
    cluster = Cluster([node.host], port=node.port, **options)
    try:
        return cluster.connect().execute("SELECT release_version FROM system.local").one().release_version
    finally:
        cluster.shutdown()


def test_driver_with_an_ssl_context_verifying_the_ca(tls_node, certificates):
    cluster = Cluster([tls_node.host], port=tls_node.port, ssl_context=client_context(certificates))
    session = cluster.connect()
    session.execute("CREATE KEYSPACE IF NOT EXISTS tls WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
    session.execute("CREATE TABLE IF NOT EXISTS tls.t (k int PRIMARY KEY, v text)")
    session.execute("INSERT INTO tls.t (k, v) VALUES (1, 'encrypted')")
    assert session.execute("SELECT v FROM tls.t WHERE k = 1").one().v == "encrypted"
    cluster.shutdown()


def test_a_plaintext_driver_is_refused_and_the_node_keeps_serving(tls_node, certificates):
    cluster = Cluster([tls_node.host], port=tls_node.port, connect_timeout=5)
    with pytest.raises(NoHostAvailable):
        cluster.connect()
    cluster.shutdown()
    assert release_version(tls_node, ssl_context=client_context(certificates))


def test_a_client_trusting_another_ca_is_refused(tls_node, certificates):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(os.path.join(certificates, "other-ca.pem"))
    with pytest.raises(NoHostAvailable):
        release_version(tls_node, ssl_context=context)


def test_cqlsh_ssl_with_ssl_certfile(tls_node, certificates):
    env = dict(os.environ, SSL_CERTFILE=os.path.join(certificates, "ca.pem"), SSL_VALIDATE="true")
    result = subprocess.run([CQLSH, "--ssl", tls_node.host, str(tls_node.port), "-e", "SELECT release_version FROM system.local"],
                            capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    assert "(1 rows)" in result.stdout


def test_optional_mode_accepts_tls_and_plaintext(node_with, certificates):
    optional = node_with(optional=True)
    assert release_version(optional, ssl_context=client_context(certificates))
    assert release_version(optional)


def test_require_client_auth_refuses_a_client_without_a_certificate(node_with, certificates):
    mutual = node_with(require_client_auth=True)
    with pytest.raises(NoHostAvailable):
        release_version(mutual, ssl_context=client_context(certificates))
    with pytest.raises(NoHostAvailable):
        release_version(mutual, ssl_context=client_context(certificates, certificate="stranger"))
    assert release_version(mutual, ssl_context=client_context(certificates, certificate="client"))


def test_a_missing_certificate_stops_the_start_with_one_line(certificates):
    with tempfile.TemporaryDirectory(prefix="basalt-tls-bad-") as directory:
        config = os.path.join(directory, "basalt.yaml")
        with open(config, "w") as f:
            f.write("client_encryption_options:\n  enabled: true\n  keystore: %s/absent.pem\n" % directory)
        result = subprocess.run([BASALT, "start", "--config", config, "--native-port", str(free_port()),
                                 "--storage-port", str(free_port()), "--admin-port", str(free_port()),
                                 "--data-dir", os.path.join(directory, "data")],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode != 0
        assert "client_encryption_options: cannot read the certificate %s/absent.pem: no such file" % directory in result.stderr
        # Refused before anything opened: no data directory was made.
        assert not os.path.exists(os.path.join(directory, "data"))


# The admin endpoint: HTTPS (admin_encryption_options) and, with PasswordAuthenticator, superusers only.

@pytest.fixture(scope="module")
def admin_node(certificates):
    with tempfile.TemporaryDirectory(prefix="basalt-tls-admin-") as directory:
        env = dict(os.environ, BASALT_SUPERUSER_PASSWORD=PASSWORD)
        n = start_node(directory, encryption_section("admin_encryption_options", certificates, "node", enabled=True),
                       args=["--authenticator", "PasswordAuthenticator"], env=env)
        cluster = Cluster([n.host], port=n.port, auth_provider=PlainTextAuthProvider("cassandra", PASSWORD))
        cluster.connect().execute("CREATE ROLE IF NOT EXISTS app WITH PASSWORD = 'app-pw' AND LOGIN = true")
        cluster.shutdown()
        yield n
        n.stop()


def admin_get(node, certificates, path, credentials=None):
    request = urllib.request.Request("https://127.0.0.1:%d%s" % (node.admin_port, path))
    if credentials:
        request.add_header("Authorization", "Basic " + base64.b64encode(("%s:%s" % credentials).encode()).decode())
    try:
        with urllib.request.urlopen(request, context=client_context(certificates), timeout=30) as answer:
            return answer.status, answer.headers, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read())


def test_admin_requests_need_a_superusers_credentials(admin_node, certificates):
    status, headers, body = admin_get(admin_node, certificates, "/info")
    assert status == 401 and headers["WWW-Authenticate"].startswith("Basic")
    assert "superuser" in body["error"]
    status, _, body = admin_get(admin_node, certificates, "/info", ("cassandra", "wrong"))
    assert status == 401 and "Provided username cassandra and/or password are incorrect" in body["error"]
    status, _, body = admin_get(admin_node, certificates, "/info", ("app", "app-pw"))
    assert status == 403 and "app is not a superuser" in body["error"]
    status, _, body = admin_get(admin_node, certificates, "/info", ("cassandra", PASSWORD))
    assert status == 200


def basalt_admin(node, *arguments, env=None):
    return subprocess.run([BASALT, "admin", "--port", str(node.admin_port), *arguments], capture_output=True, text=True,
                          timeout=60, env=dict(os.environ, **(env or {})))


def test_basalt_admin_with_credentials_over_https(admin_node, certificates):
    ca = os.path.join(certificates, "ca.pem")
    refused = basalt_admin(admin_node, "--cafile", ca, "info")
    assert refused.returncode == 1 and "superuser's credentials" in refused.stderr
    plaintext = basalt_admin(admin_node, "--username", "cassandra", "--password", PASSWORD, "info")
    assert plaintext.returncode == 1
    flags = basalt_admin(admin_node, "--cafile", ca, "--username", "cassandra", "--password", PASSWORD, "info")
    assert flags.returncode == 0, flags.stderr
    from_environment = basalt_admin(admin_node, "--ssl", "--cafile", ca, "status",
                                    env={"BASALT_ADMIN_USERNAME": "cassandra", "BASALT_ADMIN_PASSWORD": PASSWORD})
    assert from_environment.returncode == 0, from_environment.stderr
    assert "UN" in from_environment.stdout
