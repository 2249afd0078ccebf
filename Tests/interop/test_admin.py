"""`basalt admin` against a real node's admin endpoint: the commands' tables and JSON, and their
refusals (an unknown keyspace, a node that is not there) as a clear message and exit status 1."""
import json
import subprocess
import time

from conftest import BASALT, free_port


def admin(node, *args, check=True):
    result = subprocess.run([BASALT, "admin", "--host", node.host, "--port", str(node.admin_port), *args],
                            capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError("basalt admin %s exited %d: %s" % (" ".join(args), result.returncode, result.stderr))
    return result


def test_status_lists_the_node_up_and_normal(node):
    report = json.loads(admin(node, "status", "--json").stdout)
    (member,) = report["nodes"]
    assert member["address"] == node.host and member["state"] == "UN"
    assert member["tokens"] == 16 and abs(member["owns"] - 1.0) < 1e-9 and member["hostID"]
    text = admin(node, "status").stdout
    assert "Datacenter: datacenter1" in text and "UN  127.0.0.1" in text and "Host ID" in text


def test_options_may_follow_the_subcommand(node):
    result = subprocess.run([BASALT, "admin", "status", "--host", node.host, "--port", str(node.admin_port), "--json"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["nodes"][0]["state"] == "UN"


def test_unknown_keyspace_is_refused(node):
    result = admin(node, "status", "nowhere", check=False)
    assert result.returncode == 1
    assert "keyspace nowhere does not exist" in result.stderr


def test_unreachable_node_is_a_clear_error(node):
    result = subprocess.run([BASALT, "admin", "--host", "127.0.0.1", "--port", str(free_port()), "status"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "cannot reach the admin endpoint" in result.stderr


def test_flush_writes_the_memtable_to_an_sstable(node, session):
    session.execute("CREATE TABLE IF NOT EXISTS admin_flush (k int PRIMARY KEY, v text)")
    for k in range(50):
        session.execute("INSERT INTO admin_flush (k, v) VALUES (%s, 'x')", (k,))
    before = json.loads(admin(node, "tablestats", "interop", "admin_flush", "--json").stdout)["tables"][0]
    assert before["memtablePartitions"] == 50
    flushed = json.loads(admin(node, "flush", "interop", "admin_flush", "--json").stdout)
    assert flushed["tables"] == ["interop.admin_flush"]
    after = json.loads(admin(node, "tablestats", "interop", "admin_flush", "--json").stdout)["tables"][0]
    assert after["memtablePartitions"] == 0 and after["sstables"] >= 1 and after["liveBytes"] > 0
    assert "Table: admin_flush" in admin(node, "tablestats", "interop").stdout
    assert "interop.admin_flush" in admin(node, "compact", "interop", "admin_flush").stdout
    assert "pending tasks:" in admin(node, "compactionstats").stdout


def test_snapshot_list_and_clear(node, session):
    session.execute("CREATE TABLE IF NOT EXISTS admin_snap (k int PRIMARY KEY, v text)")
    session.execute("INSERT INTO admin_snap (k, v) VALUES (1, 'kept')")
    taken = json.loads(admin(node, "snapshot", "--tag", "before-upgrade", "interop", "admin_snap", "--json").stdout)
    assert taken["tag"] == "before-upgrade" and taken["tables"] == ["interop.admin_snap"]
    again = admin(node, "snapshot", "--tag", "before-upgrade", "interop", "admin_snap", check=False)
    assert again.returncode == 1 and "snapshot before-upgrade already exists" in again.stderr
    listed = json.loads(admin(node, "listsnapshots", "--json").stdout)["snapshots"]
    (snapshot,) = [s for s in listed if s["table"] == "admin_snap"]
    assert snapshot["name"] == "before-upgrade" and snapshot["files"] > 1 and snapshot["bytes"] > 0
    assert "before-upgrade" in admin(node, "listsnapshots").stdout
    bad = admin(node, "snapshot", "--tag", "../escape", check=False)
    assert bad.returncode == 1 and "snapshot name" in bad.stderr
    cleared = json.loads(admin(node, "clearsnapshot", "--tag", "before-upgrade", "interop", "--json").stdout)
    assert cleared["tables"] == ["interop.admin_snap"]
    assert not [s for s in json.loads(admin(node, "listsnapshots", "--json").stdout)["snapshots"] if s["table"] == "admin_snap"]


def test_unknown_keyspace_and_table_are_refused_by_every_command(node, session):
    for command in (["flush", "nowhere"], ["compact", "nowhere"], ["tablestats", "nowhere"], ["repair", "nowhere"]):
        result = admin(node, *command, check=False)
        assert result.returncode == 1 and "keyspace nowhere does not exist" in result.stderr, command
    # A system keyspace exists but its generated tables have nothing to repair.
    assert json.loads(admin(node, "repair", "system_distributed", "--json").stdout)["tables"] == []
    result = admin(node, "flush", "interop", "nothing", check=False)
    assert result.returncode == 1 and "table interop.nothing does not exist" in result.stderr


def test_info_ring_describecluster_gossipinfo_netstats(node):
    info = json.loads(admin(node, "info", "--json").stdout)
    assert info["address"] == node.host and info["status"] == "NORMAL" and info["tokens"] == 16
    assert "Uptime" in admin(node, "info").stdout
    ring = json.loads(admin(node, "ring", "--json").stdout)["tokens"]
    assert len(ring) == 16 and abs(sum(t["owns"] for t in ring) - 1.0) < 1e-9
    described = json.loads(admin(node, "describecluster", "--json").stdout)
    assert described["name"] == "interop" and list(described["schemaVersions"].values()) == [[node.host]]
    gossip = json.loads(admin(node, "gossipinfo", "--json").stdout)["endpoints"]
    assert gossip[0]["states"]["STATUS"].split(":", 1)[1].startswith("NORMAL")
    assert "Not sending any streams." in admin(node, "netstats").stdout


def test_drain_stops_the_node_as_sigterm_does(tmp_path):
    from conftest import Node
    drained = Node(str(tmp_path), free_port())
    drained.start()
    try:
        result = admin(drained, "drain")
        assert "drained" in result.stdout
        assert drained.process.wait(timeout=30) == 0
        assert "admin drain" in open(drained.log_path).read()
    finally:
        drained.stop()


def test_a_repair_interval_repairs_by_itself(tmp_path):
    from conftest import Node
    config = tmp_path / "basalt.yaml"
    config.write_text("repair_interval_seconds: 1\n")
    scheduled = Node(str(tmp_path), free_port(), args=["--config", str(config)])
    scheduled.start()
    try:
        deadline = time.time() + 20
        while time.time() < deadline:
            repairs = json.loads(admin(scheduled, "repairhistory", "--json").stdout)["repairs"]
            if repairs:
                break
            time.sleep(0.3)
        assert repairs and repairs[0]["primaryOnly"] and repairs[0]["failures"] == []
    finally:
        scheduled.stop()
