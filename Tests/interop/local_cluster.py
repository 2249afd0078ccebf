"""A local multi-node cluster for tests, run by `scripts/cluster` itself (the README's way to run
Basalt), with the suite's debug binary and its own run directory."""
import json
import os
import subprocess
import time

from cassandra.cluster import Cluster, ExecutionProfile, EXEC_PROFILE_DEFAULT
from cassandra.policies import WhiteListRoundRobinPolicy

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BASALT = os.environ.get("BASALT_BINARY", os.path.join(ROOT, ".build", "debug", "basalt"))


class LocalCluster:
    def __init__(self, run_dir, nodes=3, config=None):
        self.run_dir = run_dir
        self.nodes = nodes
        self.env = dict(os.environ, BASALT_BIN=BASALT, BASALT_CLUSTER_DIR=run_dir)
        if config:
            self.env["BASALT_CONFIG"] = config

    def run(self, *args, timeout=120):
        result = subprocess.run([os.path.join(ROOT, "scripts", "cluster"), *args], cwd=ROOT, env=self.env,
                                capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError("scripts/cluster %s failed:\n%s%s" % (" ".join(args), result.stdout, result.stderr))
        return result.stdout

    def start(self):
        # A start that fails part-way leaves nodes running on the fixed addresses and ports, which
        # would fail every later cluster test with "address in use": stop them before reporting it.
        try:
            return self.run("start", "--nodes", str(self.nodes))
        except RuntimeError:
            try:
                self.clear()
            finally:
                raise

    def clear(self):
        self.run("clear")

    def host(self, i):
        return "127.0.0.%d" % i

    def view(self, i):
        """Node i's own view of the cluster (the status file it rewrites every second)."""
        with open(os.path.join(self.run_dir, "node%d" % i, "data", "cluster-status.json")) as f:
            return json.load(f)

    def log_tail(self, i, lines):
        try:
            with open(os.path.join(self.run_dir, "node%d" % i, "node.log"), errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError as error:
            return "(no log: %s)" % error

    def state_seen_by(self, viewer, node):
        for member in self.view(viewer)["members"]:
            if member["address"] == self.host(node):
                return member["state"]
        return None

    def wait_until(self, condition, timeout=60, what="condition"):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if condition():
                    return
            except (OSError, ValueError, KeyError):
                pass
            time.sleep(0.2)
        raise AssertionError("timed out after %ss waiting for %s" % (timeout, what))


def node_session(host):
    """A driver session that sends every request to `host` (as its coordinator)."""
    profile = ExecutionProfile(load_balancing_policy=WhiteListRoundRobinPolicy([host]))
    cluster = Cluster([host], execution_profiles={EXEC_PROFILE_DEFAULT: profile})
    return cluster, cluster.connect()
