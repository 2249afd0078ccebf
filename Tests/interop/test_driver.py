"""The Python driver, default settings, against one node."""
import datetime
import decimal
import ipaddress
import time
import uuid

import pytest
from cassandra import AlreadyExists, InvalidRequest
from cassandra.protocol import SyntaxException
from cassandra.query import BatchStatement, BatchType, SimpleStatement


def test_negotiates_protocol_v4_and_sees_the_node(cluster, session):
    assert cluster.protocol_version == 4
    row = session.execute("SELECT cluster_name, release_version FROM system.local").one()
    assert row.cluster_name == "interop"
    assert row.release_version[0].isdigit()
    assert len(cluster.metadata.all_hosts()) == 1


def test_ddl_returns_without_the_schema_agreement_wait(session):
    started = time.time()
    session.execute("CREATE TABLE IF NOT EXISTS ddl_speed (k int PRIMARY KEY, v text)")
    session.execute("DROP TABLE ddl_speed")
    assert time.time() - started < 5, "DDL waited for schema agreement"


EVERY_TYPE = [
    ("a_ascii", "ascii", "hello"),
    ("a_text", "text", "héllo wörld"),
    ("a_varchar", "varchar", "x"),
    ("a_blob", "blob", b"\x00\x01\xff"),
    ("a_boolean", "boolean", True),
    ("a_tinyint", "tinyint", -7),
    ("a_smallint", "smallint", 30000),
    ("a_int", "int", -2147483648),
    ("a_bigint", "bigint", 9223372036854775807),
    ("a_varint", "varint", 123456789012345678901234567890),
    ("a_float", "float", 1.5),
    ("a_double", "double", -2.25e100),
    ("a_decimal", "decimal", decimal.Decimal("-12345.6789")),
    ("a_timestamp", "timestamp", datetime.datetime(2024, 1, 2, 3, 4, 5, 678000)),
    ("a_uuid", "uuid", uuid.UUID("123e4567-e89b-12d3-a456-426614174000")),
    ("a_timeuuid", "timeuuid", uuid.UUID("d2177dd0-eaa2-11de-a572-001b779c76e3")),
    ("a_inet", "inet", "192.168.1.20"),
    ("a_list", "list<int>", [3, 1, 2]),
    ("a_set", "set<text>", {"b", "a"}),
    ("a_map", "map<text, int>", {"x": 1, "y": 2}),
    ("a_frozen", "frozen<list<text>>", ["p", "q"]),
    ("a_tuple", "tuple<int, text>", (1, "one")),
]


def normalize(value):
    if isinstance(value, (list, tuple)) and not isinstance(value, str):
        return [normalize(v) for v in value]
    if isinstance(value, (set, frozenset)) or type(value).__name__ in ("SortedSet",):
        return sorted(value)
    if type(value).__name__ == "OrderedMapSerializedKey" or isinstance(value, dict):
        return dict(value)
    if isinstance(value, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        return str(value)
    return value


@pytest.mark.parametrize("prepared", [False, True])
def test_every_type_round_trips(session, prepared):
    columns = ", ".join("%s %s" % (name, kind) for name, kind, _ in EVERY_TYPE)
    session.execute("CREATE TABLE IF NOT EXISTS all_types (k int PRIMARY KEY, %s)" % columns)
    names = ", ".join(name for name, _, _ in EVERY_TYPE)
    values = [value for _, _, value in EVERY_TYPE]
    key = 2 if prepared else 1
    if prepared:
        statement = session.prepare("INSERT INTO all_types (k, %s) VALUES (?, %s)" % (names, ", ".join("?" * len(values))))
        session.execute(statement, [key] + values)
    else:
        session.execute("INSERT INTO all_types (k, %s) VALUES (%%s, %s)" % (names, ", ".join(["%s"] * len(values))), [key] + values)
    row = session.execute("SELECT * FROM all_types WHERE k = %s", [key]).one()
    for name, kind, value in EVERY_TYPE:
        assert normalize(getattr(row, name)) == normalize(value), (name, kind)


def test_clustering_order_and_slices(session):
    session.execute("CREATE TABLE IF NOT EXISTS events (p text, day int, seq int, v text, PRIMARY KEY ((p), day, seq)) "
                    "WITH CLUSTERING ORDER BY (day DESC, seq ASC)")
    insert = session.prepare("INSERT INTO events (p, day, seq, v) VALUES (?, ?, ?, ?)")
    for day in range(1, 4):
        for seq in range(3):
            session.execute(insert, ["a", day, seq, "%d-%d" % (day, seq)])
    rows = [(r.day, r.seq) for r in session.execute("SELECT day, seq FROM events WHERE p = 'a'")]
    assert rows == [(d, s) for d in (3, 2, 1) for s in range(3)]
    rows = [(r.day, r.seq) for r in session.execute("SELECT day, seq FROM events WHERE p = 'a' AND day = 2 AND seq >= 1")]
    assert rows == [(2, 1), (2, 2)]
    rows = [(r.day, r.seq) for r in session.execute("SELECT day, seq FROM events WHERE p = 'a' AND day < 3 ORDER BY day ASC, seq DESC LIMIT 4")]
    assert rows == [(1, 2), (1, 1), (1, 0), (2, 2)]


def test_paging_over_ten_thousand_rows(session):
    session.execute("CREATE TABLE IF NOT EXISTS paged (p int, c int, v int, PRIMARY KEY (p, c))")
    insert = session.prepare("INSERT INTO paged (p, c, v) VALUES (?, ?, ?)")
    futures = [session.execute_async(insert, [i % 50, i, i]) for i in range(10000)]
    for f in futures:
        f.result()
    result = session.execute(SimpleStatement("SELECT p, c FROM paged", fetch_size=100))
    seen = []
    pages = 0
    while True:
        pages += 1
        assert len(result.current_rows) <= 100
        seen.extend(r.c for r in result.current_rows)
        if not result.has_more_pages:
            break
        result.fetch_next_page()
    assert sorted(seen) == list(range(10000))
    assert pages >= 100
    wide = list(session.execute(SimpleStatement("SELECT c FROM paged WHERE p = 7", fetch_size=33)))
    assert [r.c for r in wide] == list(range(7, 10000, 50))


def test_batches(session):
    session.execute("CREATE TABLE IF NOT EXISTS batched (p int, c int, v text, PRIMARY KEY (p, c))")
    insert = session.prepare("INSERT INTO batched (p, c, v) VALUES (?, ?, ?)")
    for kind in (BatchType.LOGGED, BatchType.UNLOGGED):
        batch = BatchStatement(batch_type=kind)
        for c in range(5):
            batch.add(insert, [kind.value, c, "x"])
        batch.add(SimpleStatement("UPDATE batched SET v = 'y' WHERE p = %s AND c = 0"), [kind.value])
        session.execute(batch)
        rows = list(session.execute("SELECT c, v FROM batched WHERE p = %s", [kind.value]))
        assert [(r.c, r.v) for r in rows] == [(0, "y")] + [(c, "x") for c in range(1, 5)]


def test_ttl_expiry(session):
    session.execute("CREATE TABLE IF NOT EXISTS expiring (k int PRIMARY KEY, v text)")
    session.execute("INSERT INTO expiring (k, v) VALUES (1, 'gone soon') USING TTL 1")
    assert session.execute("SELECT ttl(v) FROM expiring WHERE k = 1").one()[0] in (0, 1)
    time.sleep(2.2)
    assert session.execute("SELECT * FROM expiring WHERE k = 1").one() is None


def test_using_timestamp_orders_writes(session):
    session.execute("CREATE TABLE IF NOT EXISTS stamped (k int PRIMARY KEY, v text)")
    session.execute("INSERT INTO stamped (k, v) VALUES (1, 'newer') USING TIMESTAMP 2000")
    session.execute("INSERT INTO stamped (k, v) VALUES (1, 'older') USING TIMESTAMP 1000")
    row = session.execute("SELECT v, writetime(v) FROM stamped WHERE k = 1").one()
    assert row[0] == "newer" and row[1] == 2000


def test_error_classes(session):
    with pytest.raises(SyntaxException):
        session.execute("SELEKT * FROM stamped")
    with pytest.raises(InvalidRequest):
        session.execute("SELECT * FROM no_such_table")
    with pytest.raises(InvalidRequest):
        session.execute("INSERT INTO stamped (k, v) VALUES ('not an int', 'x')")
    with pytest.raises(InvalidRequest, match="ALLOW FILTERING"):
        session.execute("SELECT * FROM stamped WHERE v = 'newer'")
    with pytest.raises(AlreadyExists):
        session.execute("CREATE TABLE stamped (k int PRIMARY KEY)")
    with pytest.raises(InvalidRequest, match="not supported"):
        session.execute("INSERT INTO stamped (k, v) VALUES (9, 'x') IF NOT EXISTS")
    assert session.execute("SELECT v FROM stamped WHERE k = 9").one() is None, "a refused conditional write wrote nothing"
    # The connection is still fine after every error.
    assert session.execute("SELECT v FROM stamped WHERE k = 1").one()[0] == "newer"


def test_lz4_frame_compression(node):
    from cassandra.cluster import Cluster
    cluster = Cluster([node.host], port=node.port, compression="lz4")
    try:
        session = cluster.connect()
        rows = session.execute("SELECT keyspace_name FROM system_schema.keyspaces")
        assert "system" in {r.keyspace_name for r in rows}
        assert cluster.control_connection._connection.compressor is not None
    finally:
        cluster.shutdown()
