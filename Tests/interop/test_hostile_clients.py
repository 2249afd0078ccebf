"""Hostile bytes against a real node: random bytes, mutated and truncated frames, huge declared
lengths, many stalled partial frames and half-open connections. The node must keep serving a
well-behaved driver session and its memory must stay bounded (the partial-frame limit)."""
import os
import random
import socket
import struct
import tempfile

from cassandra.cluster import Cluster

from conftest import Node, free_port


def rss_mib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    return 0


def frame(opcode, body, stream=1):
    return struct.pack(">BBhBI", 0x04, 0, stream, opcode, len(body)) + body


def startup():
    body = struct.pack(">H", 1) + struct.pack(">H", 11) + b"CQL_VERSION" + struct.pack(">H", 5) + b"3.0.0"
    return frame(0x01, body, stream=0)


def query(text):
    body = struct.pack(">I", len(text)) + text + struct.pack(">HB", 1, 0)
    return frame(0x07, body)


def connect(node):
    s = socket.create_connection((node.host, node.port), timeout=5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def test_hostile_bytes_leave_the_node_serving_and_bounded():
    rng = random.Random(int.from_bytes(os.urandom(4), "big"))
    with tempfile.TemporaryDirectory(prefix="basalt-hostile-") as directory:
        node = Node(directory, free_port())
        node.start()
        cluster = Cluster([node.host], port=node.port)
        session = cluster.connect()
        session.execute("CREATE KEYSPACE hostile WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
        session.execute("CREATE TABLE hostile.t (k int PRIMARY KEY, v text)")
        insert = session.prepare("INSERT INTO hostile.t (k, v) VALUES (?, ?)")
        baseline = rss_mib(node.process.pid)
        written = 0

        def still_serving():
            nonlocal written
            session.execute(insert, (written, "v%d" % written))
            written += 1

        # Random bytes, and valid frames with bytes flipped or cut short.
        valid = [startup(), query(b"SELECT * FROM hostile.t"), startup() + query(b"SELECT key FROM system.local")]
        for i in range(200):
            s = connect(node)
            try:
                if i % 3 == 0:
                    payload = os.urandom(rng.randint(1, 4096))
                else:
                    payload = bytearray(rng.choice(valid))
                    for _ in range(rng.randint(1, 4)):
                        payload[rng.randrange(len(payload))] ^= 1 << rng.randrange(8)
                    payload = bytes(payload[: rng.randint(1, len(payload))])
                s.sendall(payload)
            except OSError:
                pass
            finally:
                s.close()
            if i % 20 == 0:
                still_serving()

        # Huge declared lengths: refused with an error and closed.
        for length in (0x7FFFFFFF, 0xFFFFFFFF, 256 << 20):
            s = connect(node)
            s.sendall(startup() + struct.pack(">BBhBI", 0x04, 0, 1, 0x07, length))
            assert s.recv(4096)[:1] == b"\x84", "an error frame answers a huge length"
            s.close()
        still_serving()

        # Forty connections each sending 15 MiB of a frame that declares 16 MiB, then stalling.
        stalled = []
        chunk = b"A" * (1 << 20)
        for _ in range(40):
            s = connect(node)
            try:
                s.sendall(startup() + struct.pack(">BBhBI", 0x04, 0, 1, 0x07, (16 << 20) - 1))
                for _ in range(15):
                    s.sendall(chunk)
            except OSError:
                pass  # closed by the node: over the partial-frame limit
            stalled.append(s)
        # Half-open: connected, nothing sent.
        idle = [connect(node) for _ in range(50)]
        for _ in range(20):
            still_serving()
        grown = rss_mib(node.process.pid) - baseline
        assert grown < 400, "resident memory grew by %d MiB under stalled partial frames" % grown
        for s in stalled + idle:
            s.close()

        rows = session.execute("SELECT count(*) FROM hostile.t").one()[0]
        assert rows == written
        assert node.process.poll() is None
        cluster.shutdown()
        node.stop()
        assert node.process.returncode == 0
