"""`basalt stress` end to end: ingestion into a real 3-node cluster (scripts/cluster) at QUORUM with
--verify (every acknowledged row read back, none missing), and the native-protocol ceiling tool
(`basalt debug null-server`) serving both `basalt stress` and the Python driver."""
import json
import os
import subprocess
import sys
import tempfile
import time

import pytest

from conftest import BASALT, ROOT, Node, free_port
from local_cluster import LocalCluster


def last_json_line(output):
    return json.loads(output.strip().splitlines()[-1])


@pytest.fixture
def three_nodes():
    with tempfile.TemporaryDirectory(prefix="basalt-stress-") as directory:
        cluster = LocalCluster(directory)
        cluster.start()
        try:
            yield cluster
        finally:
            cluster.clear()


def test_quorum_ingestion_into_three_nodes_loses_no_acknowledged_row(three_nodes):
    started = time.time()
    result = subprocess.run(
        [BASALT, "stress", "write", "--hosts", "127.0.0.1,127.0.0.2,127.0.0.3", "--n", "100000",
         "--concurrency", "128", "--cl", "QUORUM", "--replication-factor", "3", "--verify", "--json"],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    summary = last_json_line(result.stdout)
    print("stress write 100000 QUORUM RF=3 on 3 nodes --verify: %.0f ops/s, %.0f s in all"
          % (summary["ops_per_sec"], time.time() - started))
    assert summary["ops"] == 100000
    assert summary["errors"] == 0
    assert summary["missing"] == 0
    assert summary["unexpected"] == 0
    assert summary["verified"] == 100000
    assert summary["verify_errors"] == 0
    for key in ("ops_per_sec", "p50_ms", "p99_ms", "p999_ms", "timeouts"):
        assert key in summary


@pytest.fixture
def null_server():
    port = free_port()
    process = subprocess.Popen([BASALT, "debug", "null-server", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            line = process.stdout.readline()
            if not line:
                raise RuntimeError("null server exited before it was ready")
            if b"node ready" in line:
                break
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_null_server_answers_the_stress_tool_and_the_python_driver(null_server):
    stress = subprocess.run(
        [BASALT, "stress", "write", "--port", str(null_server), "--n", "20000", "--concurrency", "64", "--json"],
        capture_output=True, text=True, timeout=120)
    assert stress.returncode == 0, stress.stdout[-3000:] + stress.stderr[-3000:]
    assert last_json_line(stress.stdout)["errors"] == 0

    driver = subprocess.run(
        [sys.executable, os.path.join(ROOT, "scripts", "python-driver-rate"), "--port", str(null_server),
         "--seconds", "1", "--in-flight", "32"],
        capture_output=True, text=True, timeout=120)
    assert driver.returncode == 0, driver.stdout[-3000:] + driver.stderr[-3000:]
    rate = last_json_line(driver.stdout)
    assert rate["requests"] > 0 and rate["errors"] == 0
