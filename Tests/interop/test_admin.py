"""`basalt admin` against a real node's admin endpoint: the commands' tables and JSON, and their
refusals (an unknown keyspace, a node that is not there) as a clear message and exit status 1."""
import json
import subprocess

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
