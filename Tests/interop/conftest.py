"""Interoperability tests: a real `basalt start` process driven by the Python cassandra-driver and
cqlsh from PyPI, with their default settings (no protocol version pinned)."""
import os
import signal
import socket
import subprocess
import tempfile
import time

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BASALT = os.environ.get("BASALT_BINARY", os.path.join(ROOT, ".build", "debug", "basalt"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Node:
    """One Basalt node process on 127.0.0.1 with its own data directory."""

    def __init__(self, data_dir, port, host="127.0.0.1", storage_port=None, admin_port=None, prometheus_port=None,
                 args=(), env=None):
        self.args = list(args)
        self.env = env
        self.data_dir = data_dir
        self.port = port
        self.storage_port = storage_port or free_port()
        self.admin_port = admin_port or free_port()
        self.prometheus_port = prometheus_port or free_port()
        self.host = host
        self.process = None
        self.log_path = os.path.join(data_dir, "node.log")

    def start(self, timeout=60):
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [BASALT, "start", "--listen-address", self.host, "--native-port", str(self.port),
             "--storage-port", str(self.storage_port), "--admin-port", str(self.admin_port),
             "--prometheus-port", str(self.prometheus_port),
             "--data-dir", os.path.join(self.data_dir, "data"), "--cluster-name", "interop"] + self.args,
            stdout=subprocess.PIPE, stderr=log, env=self.env)
        deadline = time.time() + timeout
        while time.time() < deadline:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError("node exited before it was ready; log: " + open(self.log_path).read()[-2000:])
            if b"node ready" in line:
                return
        raise RuntimeError("node not ready in %ss" % timeout)

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture(scope="session")
def node():
    with tempfile.TemporaryDirectory(prefix="basalt-interop-") as directory:
        n = Node(directory, free_port())
        n.start()
        yield n
        n.stop()


@pytest.fixture(scope="session")
def cluster(node):
    from cassandra.cluster import Cluster
    c = Cluster([node.host], port=node.port)
    yield c
    c.shutdown()


@pytest.fixture(scope="session")
def session(cluster):
    s = cluster.connect()
    s.execute("CREATE KEYSPACE IF NOT EXISTS interop WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
    s.set_keyspace("interop")
    return s


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing test that ran a local cluster reports the nodes' own logs, before they are gone."""
    outcome = yield
    report = outcome.get_result()
    cluster = item.funcargs.get("local_cluster") if hasattr(item, "funcargs") else None
    if report.when == "call" and report.failed and cluster is not None:
        for i in range(1, cluster.nodes + 1):
            report.sections.append(("node %d log (last 60 lines)" % i, cluster.log_tail(i, 60)))
