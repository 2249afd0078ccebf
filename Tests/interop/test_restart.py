"""Rows and schema survive SIGKILL and restart of the node process."""
import tempfile

from cassandra.cluster import Cluster

from conftest import Node, free_port


def test_rows_and_schema_survive_sigkill():
    with tempfile.TemporaryDirectory(prefix="basalt-restart-") as directory:
        node = Node(directory, free_port())
        node.start()
        cluster = Cluster([node.host], port=node.port)
        session = cluster.connect()
        session.execute("CREATE KEYSPACE durable WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
        session.execute("CREATE TABLE durable.t (k int PRIMARY KEY, v text)")
        insert = session.prepare("INSERT INTO durable.t (k, v) VALUES (?, ?)")
        for k in range(500):
            session.execute(insert, [k, "v%d" % k])
        cluster.shutdown()
        node.kill()

        node.start()
        cluster = Cluster([node.host], port=node.port)
        session = cluster.connect()
        rows = {r.k: r.v for r in session.execute("SELECT k, v FROM durable.t")}
        assert rows == {k: "v%d" % k for k in range(500)}
        cluster.shutdown()
        node.stop()
