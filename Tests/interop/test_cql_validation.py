"""Cassandra's validation through the Python driver: what Cassandra refuses comes back as the same
exception class (InvalidRequest 0x2200, ConfigurationException 0x2300, SyntaxException 0x2000),
never as a server error, and a refused statement leaves the node serving DDL."""
import pytest
from cassandra import InvalidRequest
from cassandra.protocol import ConfigurationException, SyntaxException
from cassandra.query import BatchStatement, BatchType, SimpleStatement

LONG = "a" * 65536


@pytest.fixture(scope="module")
def tables(session):
    session.execute("CREATE TABLE IF NOT EXISTS v_text (k text PRIMARY KEY, v int)")
    session.execute("CREATE TABLE IF NOT EXISTS v_wide (k int, c text, v text, PRIMARY KEY (k, c))")
    return session


def test_the_node_keeps_serving_ddl_after_a_65536_character_keyspace_name(tables):
    session = tables
    with pytest.raises(InvalidRequest, match="Keyspace name must not be empty, more than 48 characters long"):
        session.execute("CREATE KEYSPACE %s WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"
                        % LONG)
    session.execute("CREATE KEYSPACE IF NOT EXISTS v_after WITH replication = "
                    "{'class': 'SimpleStrategy', 'replication_factor': 1}")
    session.execute("CREATE TABLE IF NOT EXISTS v_after.t (k int PRIMARY KEY)")
    session.execute("DROP KEYSPACE v_after")


def test_a_table_name_too_long_for_the_file_system_is_an_invalid_request(tables):
    with pytest.raises(InvalidRequest, match="Table name must not be empty, more than 48 characters long"):
        tables.execute("CREATE TABLE %s (k int PRIMARY KEY)" % ("t" * 300))


@pytest.mark.parametrize("key", [LONG, ""])
def test_oversize_and_empty_keys_are_refused_prepared_and_simple(tables, key):
    fragment = "Key may not be empty" if key == "" else "Key length of 65536 is longer than maximum of 65535"
    prepared = tables.prepare("INSERT INTO v_text (k, v) VALUES (?, ?)")
    with pytest.raises(InvalidRequest, match=fragment):
        tables.execute(prepared, (key, 1))
    with pytest.raises(InvalidRequest, match=fragment):
        tables.execute(SimpleStatement("UPDATE v_text SET v = 1 WHERE k = %s"), (key,))
    batch = BatchStatement()
    batch.add(prepared, (key, 1))
    with pytest.raises(InvalidRequest, match=fragment):
        tables.execute(batch)


def test_an_oversize_clustering_value_is_refused_and_later_writes_flush(tables):
    with pytest.raises(InvalidRequest, match="Key length of 65536"):
        tables.execute("INSERT INTO v_wide (k, c, v) VALUES (1, %s, 'x')", (LONG,))
    tables.execute("INSERT INTO v_wide (k, c, v) VALUES (1, 'ok', 'x')")
    assert [row.c for row in tables.execute("SELECT c FROM v_wide WHERE k = 1")] == ["ok"]


def test_statement_checks(tables):
    with pytest.raises(InvalidRequest, match="Multiple definitions found for column v"):
        tables.execute("INSERT INTO v_wide (k, c, v, v) VALUES (1, 'a', 'b', 'c')")
    with pytest.raises(InvalidRequest, match=r"only request partition key columns and/or static columns \(not v\)"):
        tables.execute("SELECT DISTINCT v FROM v_wide")
    with pytest.raises(InvalidRequest, match="Unable to make int from '2147483648'"):
        tables.execute("SELECT * FROM v_wide LIMIT 2147483648")
    counter_batch = BatchStatement(batch_type=BatchType.COUNTER)
    counter_batch.add(SimpleStatement("INSERT INTO v_text (k, v) VALUES ('x', 1)"))
    with pytest.raises(InvalidRequest, match="Cannot include non-counter statement in a counter batch"):
        tables.execute(counter_batch)


def test_replication_and_table_options(tables):
    with pytest.raises(ConfigurationException, match="Unrecognized strategy option {nowhere} passed to NetworkTopologyStrategy"):
        tables.execute("CREATE KEYSPACE v_nts WITH replication = {'class': 'NetworkTopologyStrategy', 'nowhere': 1}")
    tables.execute("CREATE KEYSPACE IF NOT EXISTS v_nts WITH replication = "
                   "{'class': 'NetworkTopologyStrategy', 'replication_factor': 1}")
    replication = tables.execute("SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = 'v_nts'").one()[0]
    assert "replication_factor" not in replication and replication.get("datacenter1") == "1"
    tables.execute("CREATE TABLE v_nts.t (k int PRIMARY KEY, v int)")
    tables.execute("INSERT INTO v_nts.t (k, v) VALUES (1, 1)")
    tables.execute("DROP KEYSPACE v_nts")

    with pytest.raises(ConfigurationException, match="are not understood by SizeTieredCompactionStrategy"):
        tables.execute("CREATE TABLE v_opts (k int PRIMARY KEY) WITH compaction = "
                       "{'class': 'SizeTieredCompactionStrategy', 'bogus': 1}")
    with pytest.raises(ConfigurationException, match="Invalid value sometimes for option 'speculative_retry'"):
        tables.execute("CREATE TABLE v_opts (k int PRIMARY KEY) WITH speculative_retry = 'sometimes'")
    with pytest.raises(InvalidRequest, match="Compact tables are not allowed"):
        tables.execute("CREATE TABLE v_opts (k int PRIMARY KEY, v int) WITH COMPACT STORAGE")
    with pytest.raises(SyntaxException, match="Materialized views are not supported by Basalt"):
        tables.execute("CREATE MATERIALIZED VIEW v_mv AS SELECT * FROM v_wide WHERE k IS NOT NULL "
                       "AND c IS NOT NULL PRIMARY KEY (c, k)")

    tables.execute("CREATE TABLE IF NOT EXISTS v_opts (k int PRIMARY KEY) WITH compression = {'chunk_length_in_kb': 64, "
                   "'class': 'LZ4Compressor'}")
    compression = tables.execute("SELECT compression FROM system_schema.tables WHERE keyspace_name = 'interop' "
                                 "AND table_name = 'v_opts'").one()[0]
    assert compression == {"chunk_length_in_kb": "64", "class": "org.apache.cassandra.io.compress.LZ4Compressor"}
