"""Everyday CQL terms through the Python driver (simple and prepared statements) and cqlsh: duration
and zoned timestamp literals, unset values, static-only writes, map entries in WHERE and
system_views.clients."""
import datetime
import re

import pytest
from cassandra import InvalidRequest
from cassandra.query import UNSET_VALUE
from cassandra.util import Duration

from test_cqlsh import cqlsh

HOUR = 3600 * 10**9


@pytest.fixture(scope="module")
def durations(session):
    session.execute("CREATE TABLE IF NOT EXISTS terms_durations (k int PRIMARY KEY, d duration,"
                    " l list<duration>, m map<text, duration>)")
    return session


@pytest.mark.parametrize("literal, expected", [
    ("1h30m", Duration(0, 0, 90 * 60 * 10**9)),
    ("2d", Duration(0, 2, 0)),
    ("-1h", Duration(0, 0, -HOUR)),
    ("12mo", Duration(12, 0, 0)),
    ("1y2mo3w4d5h6m7s8ms9us10ns", Duration(14, 25, 5 * HOUR + 367_008_009_010)),
    ("5µs", Duration(0, 0, 5000)),
    ("P1Y2M3DT4H5M6S", Duration(14, 3, 4 * HOUR + 306 * 10**9)),
    ("P2W", Duration(0, 14, 0)),
    ("PT1H", Duration(0, 0, HOUR)),
    ("P0001-02-03T04:05:06", Duration(14, 3, 4 * HOUR + 306 * 10**9)),
])
def test_duration_literals(durations, literal, expected):
    durations.execute("INSERT INTO terms_durations (k, d, l, m) VALUES (1, %s, [%s], {'a': %s})" % ((literal,) * 3))
    row = durations.execute("SELECT d, l, m FROM terms_durations WHERE k = 1").one()
    assert (row.d, row.l, row.m) == (expected, [expected], {"a": expected})
    # The same value bound to a prepared statement compares equal in a filtered read.
    select = durations.prepare("SELECT k FROM terms_durations WHERE d = ? ALLOW FILTERING")
    assert [r.k for r in durations.execute(select, (expected,))] == [1]
    assert [r.k for r in durations.execute("SELECT k FROM terms_durations WHERE d = %s ALLOW FILTERING" % literal)] == [1]


def test_duration_refusals(durations):
    with pytest.raises(InvalidRequest, match="Slice restrictions are not supported on duration columns"):
        durations.execute("SELECT * FROM terms_durations WHERE d > 1h ALLOW FILTERING")
    with pytest.raises(InvalidRequest, match="duration type is not supported for PRIMARY KEY column 'k'"):
        durations.execute("CREATE TABLE terms_bad (k duration PRIMARY KEY)")
    with pytest.raises(InvalidRequest, match=r"Durations are not allowed inside sets: set<duration>"):
        durations.execute("CREATE TABLE terms_bad (k int PRIMARY KEY, s set<duration>)")
    with pytest.raises(InvalidRequest, match=r"Durations are not allowed as map keys: map<duration, int>"):
        durations.execute("CREATE TABLE terms_bad (k int PRIMARY KEY, m map<duration, int>)")
    with pytest.raises(InvalidRequest, match=r"Invalid DURATION constant \(1h\) for \"k\" of type int"):
        durations.execute("INSERT INTO terms_durations (k) VALUES (1h)")


@pytest.fixture(scope="module")
def timestamps(session):
    session.execute("CREATE TABLE IF NOT EXISTS terms_timestamps (k int PRIMARY KEY, t timestamp, d date, tm time)")
    return session


FEB3_0405_UTC = datetime.datetime(2011, 2, 3, 4, 5)


@pytest.mark.parametrize("literal, expected", [
    ("2011-02-03 04:05 UTC", FEB3_0405_UTC),
    ("2011-02-03T04:05:00Z", FEB3_0405_UTC),
    ("2011-02-03 04:05:00.000 GMT", FEB3_0405_UTC),
    ("2011-02-03 05:05+0100", FEB3_0405_UTC),
    ("2011-02-03 05:05+01:00", FEB3_0405_UTC),
    ("2011-02-03 05:05 +01:00", FEB3_0405_UTC),
    ("2011-02-02 23:05 America/New_York", FEB3_0405_UTC),
    ("2011-02-03 05:05 Europe/Paris", FEB3_0405_UTC),
    ("2011-07-03 06:05 Europe/Paris", datetime.datetime(2011, 7, 3, 4, 5)),
    ("2011-02-03", datetime.datetime(2011, 2, 3)),
    ("2011-02-03 UTC", datetime.datetime(2011, 2, 3)),
])
def test_timestamp_literals_with_zones(timestamps, literal, expected):
    timestamps.execute("INSERT INTO terms_timestamps (k, t) VALUES (1, '%s')" % literal)
    assert timestamps.execute("SELECT t FROM terms_timestamps WHERE k = 1").one().t == expected
    # A zoned literal in WHERE compares with the value a prepared statement bound.
    found = timestamps.execute("SELECT k FROM terms_timestamps WHERE t = '%s' ALLOW FILTERING" % literal)
    assert [r.k for r in found] == [1]


@pytest.mark.parametrize("column, literal, message", [
    ("t", "2011-02-03 04:05 Mars/Olympus", "Unable to coerce '2011-02-03 04:05 Mars/Olympus' to a formatted date (long)"),
    ("t", "2011-02-30", "Unable to coerce '2011-02-30' to a formatted date (long)"),
    ("d", "2011-02-03 04:05", "Unable to coerce '2011-02-03 04:05' to a formatted date (long)"),
    ("tm", "04:05", "Unable to coerce '04:05' to a formatted time (long)"),
])
def test_bad_temporal_literals_are_invalid(timestamps, column, literal, message):
    with pytest.raises(InvalidRequest, match=re.escape(message)):
        timestamps.execute("INSERT INTO terms_timestamps (k, %s) VALUES (1, '%s')" % (column, literal))


def test_cqlsh_shows_durations_and_zoned_timestamps(node, durations, timestamps):
    code, out, err = cqlsh(node, "-e", "INSERT INTO interop.terms_durations (k, d) VALUES (7, 1h30m);"
                                       "INSERT INTO interop.terms_timestamps (k, t) VALUES (7, '2011-02-03 05:05 Europe/Paris');"
                                       "SELECT d FROM interop.terms_durations WHERE k = 7;"
                                       "SELECT t FROM interop.terms_timestamps WHERE k = 7;")
    assert code == 0, err
    assert "1h30m" in out
    assert "2011-02-03 04:05:00.000000+0000" in out


def test_unset_clauses_mean_not_given(session):
    session.execute("CREATE TABLE IF NOT EXISTS terms_unset (k int, c int, v int, w int, PRIMARY KEY (k, c))"
                    " WITH default_time_to_live = 1000")
    session.execute("INSERT INTO terms_unset (k, c, v, w) VALUES (1, 1, 1, 1) USING TIMESTAMP 10")
    insert = session.prepare("INSERT INTO terms_unset (k, c, v, w) VALUES (?, ?, ?, ?) USING TTL ? AND TIMESTAMP ?")
    session.execute(insert, (1, 1, UNSET_VALUE, 2, UNSET_VALUE, UNSET_VALUE))
    row = session.execute("SELECT v, w, ttl(w), writetime(v), writetime(w) FROM terms_unset WHERE k = 1").one()
    # The unset value left v as it was; TTL and timestamp fell back to the table's and the server's.
    assert (row.v, row.w, row.writetime_v) == (1, 2, 10)
    assert 990 <= row.ttl_w <= 1000
    assert row.writetime_w > 10**15
    update = session.prepare("UPDATE terms_unset USING TTL ? AND TIMESTAMP ? SET w = ? WHERE k = ? AND c = ?")
    session.execute(update, (UNSET_VALUE, UNSET_VALUE, 3, 1, 1))
    assert session.execute("SELECT w FROM terms_unset WHERE k = 1").one().w == 3
    for c in range(2, 6):
        session.execute("INSERT INTO terms_unset (k, c) VALUES (1, %s)", (c,))
    limited = session.prepare("SELECT c FROM terms_unset WHERE k = ? LIMIT ?")
    assert len(list(session.execute(limited, (1, UNSET_VALUE)))) == 5
    assert len(list(session.execute(limited, (1, 2)))) == 2
    per_partition = session.prepare("SELECT c FROM terms_unset PER PARTITION LIMIT ?")
    assert len(list(session.execute(per_partition, (UNSET_VALUE,)))) == 5
    # (The driver itself refuses UNSET in the partition key.)
    with pytest.raises(InvalidRequest, match="Invalid unset value for column c"):
        session.execute(insert, (1, UNSET_VALUE, 1, 1, 10, 10))
    with pytest.raises(InvalidRequest, match="Invalid null value of TTL"):
        session.execute(insert, (1, 1, 1, 1, None, 10))


def test_static_only_writes(session, node):
    session.execute("CREATE TABLE IF NOT EXISTS terms_static (k int, c int, s int STATIC, v int, PRIMARY KEY (k, c))")
    session.execute("INSERT INTO terms_static (k, s) VALUES (1, 5)")
    insert = session.prepare("INSERT INTO terms_static (k, s) VALUES (?, ?)")
    session.execute(insert, (2, 6))
    rows = session.execute("SELECT k, c, s, v FROM terms_static WHERE k IN (1, 2)")
    assert [(r.k, r.c, r.s, r.v) for r in rows] == [(1, None, 5, None), (2, None, 6, None)]
    update = session.prepare("UPDATE terms_static SET s = ? WHERE k = ?")
    session.execute(update, (7, 1))
    session.execute("INSERT INTO terms_static (k, c, v) VALUES (1, 1, 10)")
    assert [(r.c, r.s, r.v) for r in session.execute("SELECT c, s, v FROM terms_static WHERE k = 1")] == [(1, 7, 10)]
    delete = session.prepare("DELETE s FROM terms_static WHERE k = ?")
    session.execute(delete, (1,))
    session.execute("DELETE s FROM terms_static WHERE k = 2")
    assert [(r.c, r.s, r.v) for r in session.execute("SELECT c, s, v FROM terms_static WHERE k = 1")] == [(1, None, 10)]
    assert session.execute("SELECT * FROM terms_static WHERE k = 2").one() is None
    with pytest.raises(InvalidRequest, match="Some clustering keys are missing: c"):
        session.execute("INSERT INTO terms_static (k, s, v) VALUES (3, 1, 1)")
    with pytest.raises(InvalidRequest, match="modifies only static columns"):
        session.execute("UPDATE terms_static SET s = 1 WHERE k = 1 AND c = 1")
    code, out, err = cqlsh(node, "-e", "INSERT INTO interop.terms_static (k, s) VALUES (9, 99);"
                                       "SELECT k, c, s FROM interop.terms_static WHERE k = 9;")
    assert code == 0, err
    assert "99" in out and "null" in out and "(1 rows)" in out


def test_map_entries_in_where_set_and_delete(session):
    session.execute("CREATE TABLE IF NOT EXISTS terms_maps (k int PRIMARY KEY, m map<text, int>, v int)")
    session.execute("INSERT INTO terms_maps (k, m) VALUES (1, {'a': 1, 'b': 2})")
    session.execute("INSERT INTO terms_maps (k, m) VALUES (2, {'a': 2, 'b': 2})")
    simple = session.execute("SELECT k FROM terms_maps WHERE m['a'] = 1 ALLOW FILTERING")
    assert [r.k for r in simple] == [1]
    prepared = session.prepare("SELECT k FROM terms_maps WHERE m[?] = ? ALLOW FILTERING")
    assert sorted(r.k for r in session.execute(prepared, ("b", 2))) == [1, 2]
    assert list(session.execute(prepared, ("z", 2))) == []
    set_entry = session.prepare("UPDATE terms_maps SET m[?] = ? WHERE k = ?")
    session.execute(set_entry, ("c", 3, 2))
    session.execute("UPDATE terms_maps SET m['d'] = 4 WHERE k = 2")
    assert session.execute("SELECT m FROM terms_maps WHERE k = 2").one().m == {"a": 2, "b": 2, "c": 3, "d": 4}
    delete_entry = session.prepare("DELETE m[?] FROM terms_maps WHERE k = ?")
    session.execute(delete_entry, ("c", 2))
    session.execute("DELETE m['d'] FROM terms_maps WHERE k = 2")
    assert session.execute("SELECT m FROM terms_maps WHERE k = 2").one().m == {"a": 2, "b": 2}
    with pytest.raises(InvalidRequest, match="ALLOW FILTERING"):
        session.execute("SELECT k FROM terms_maps WHERE m['a'] = 1")
    with pytest.raises(InvalidRequest, match="Column v cannot be used as a map"):
        session.execute("SELECT k FROM terms_maps WHERE v['a'] = 1 ALLOW FILTERING")
    with pytest.raises(InvalidRequest, match="Only EQ relations are supported on map entries"):
        session.execute("SELECT k FROM terms_maps WHERE m['a'] > 1 ALLOW FILTERING")


def test_system_views_clients_lists_open_connections(session, node):
    rows = list(session.execute("SELECT * FROM system_views.clients"))
    assert rows, "the session's own connections are clients"
    for row in rows:
        assert row.address == "127.0.0.1" and row.port > 0
        assert row.connection_stage == "ready" and row.protocol_version == 4
        assert row.driver_name and row.driver_version and row.username == "anonymous" and row.ssl_enabled is False
        assert row.request_count >= 1
    # The session's connection ran USE interop (the control connection did not).
    assert "interop" in {row.keyspace_name for row in rows}
    prepared = session.prepare("SELECT address, port FROM system.clients WHERE address = ?")
    same = {(r.address, r.port) for r in session.execute(prepared, ("127.0.0.1",))}
    assert same >= {(r.address, r.port) for r in rows} - {None}
    code, out, err = cqlsh(node, "-e", "SELECT address, connection_stage, driver_name, username FROM system_views.clients;")
    assert code == 0, err
    assert "127.0.0.1" in out and "ready" in out and "anonymous" in out
    code, out, err = cqlsh(node, "-e", "SELECT * FROM system_views.clients;")
    assert code == 0, err
    assert "request_count" in out and "rows)" in out
    code, out, err = cqlsh(node, "-e", "DESCRIBE TABLE system_views.clients;")
    assert code == 0, err
    assert "Warning: Table system_views.clients is a virtual table" in out and "VIRTUAL TABLE system_views.clients (" in out
