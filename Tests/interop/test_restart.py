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


def test_a_second_node_on_the_same_data_directory_is_refused():
    with tempfile.TemporaryDirectory(prefix="basalt-lock-") as directory:
        first = Node(directory, free_port())
        first.start()
        second = Node(directory, free_port())
        second.log_path = directory + "/second.log"
        try:
            second.start()
            raise AssertionError("a second node started on a data directory in use")
        except RuntimeError as error:
            assert "is in use by another node (pid %d)" % first.process.pid in str(error)
        assert second.process.wait(timeout=30) != 0
        # The first node is untouched and, once killed, its directory is free at once.
        cluster = Cluster([first.host], port=first.port)
        cluster.connect().execute("SELECT key FROM system.local")
        cluster.shutdown()
        first.kill()
        first.start()
        first.stop()


def _restored_partitions(log_path):
    """How many partitions the node's last commit-log replay put back into memtables."""
    lines = [line for line in open(log_path) if "commit log replayed" in line]
    return int(lines[-1].split("partitions_restored=")[1].split()[0].strip('"'))


def test_a_stop_flushes_memtables_so_the_next_start_replays_next_to_nothing():
    with tempfile.TemporaryDirectory(prefix="basalt-drain-") as directory:
        node = Node(directory, free_port())
        node.start()
        cluster = Cluster([node.host], port=node.port)
        session = cluster.connect()
        session.execute("CREATE KEYSPACE drained WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
        session.execute("CREATE TABLE drained.t (k int PRIMARY KEY, v text)")
        insert = session.prepare("INSERT INTO drained.t (k, v) VALUES (?, ?)")
        for k in range(2000):
            session.execute(insert, [k, "v%d" % k])
        cluster.shutdown()
        node.stop()
        assert node.process.returncode == 0
        assert "memtables=flushed" in open(node.log_path).read()

        node.start()
        assert _restored_partitions(node.log_path) < 10
        cluster = Cluster([node.host], port=node.port)
        rows = cluster.connect().execute("SELECT count(*) FROM drained.t").one()[0]
        assert rows == 2000
        cluster.shutdown()
        node.stop()
