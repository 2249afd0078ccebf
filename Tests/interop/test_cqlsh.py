"""cqlsh from PyPI, unmodified, with -e and -f."""
import os
import subprocess
import sys

CQLSH = os.path.join(os.path.dirname(sys.executable), "cqlsh")


def cqlsh(node, *arguments, input_file=None):
    command = [CQLSH, node.host, str(node.port)] + list(arguments)
    if input_file:
        command += ["-f", input_file]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout, result.stderr


def test_cqlsh_e_round_trip(node):
    code, out, err = cqlsh(node, "-e", "CREATE KEYSPACE IF NOT EXISTS shell WITH replication = "
                                        "{'class': 'SimpleStrategy', 'replication_factor': 1}; "
                                        "CREATE TABLE IF NOT EXISTS shell.t (k int PRIMARY KEY, v text); "
                                        "INSERT INTO shell.t (k, v) VALUES (1, 'from cqlsh');")
    assert code == 0, err
    code, out, err = cqlsh(node, "-e", "SELECT * FROM shell.t")
    assert code == 0, err
    assert "from cqlsh" in out and "(1 rows)" in out


def test_cqlsh_f_script_and_describe(node, tmp_path):
    script = tmp_path / "script.cql"
    script.write_text("CREATE KEYSPACE IF NOT EXISTS shell2 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1};\n"
                      "USE shell2;\n"
                      "CREATE TABLE IF NOT EXISTS t (p int, c int, v text, PRIMARY KEY (p, c)) WITH CLUSTERING ORDER BY (c DESC);\n"
                      "INSERT INTO t (p, c, v) VALUES (1, 1, 'a');\n"
                      "SELECT * FROM t;\n")
    code, out, err = cqlsh(node, input_file=str(script))
    assert code == 0, err
    assert "(1 rows)" in out
    code, out, err = cqlsh(node, "-e", "DESCRIBE KEYSPACE shell2")
    assert code == 0, err
    assert "CREATE TABLE shell2.t" in out and "CLUSTERING ORDER BY (c DESC)" in out
    code, out, err = cqlsh(node, "-e", "DESCRIBE KEYSPACES")
    assert code == 0 and "shell2" in out, err


def test_cqlsh_reports_errors(node):
    code, out, err = cqlsh(node, "-e", "SELECT * FROM shell.missing")
    assert code != 0
    assert "unconfigured table" in (out + err).lower() or "does not exist" in (out + err).lower()
