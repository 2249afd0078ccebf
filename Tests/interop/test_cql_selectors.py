"""Selectors through the Python driver (simple and prepared statements) and cqlsh: native functions,
aggregates, CAST, arithmetic, element and slice selection, GROUP BY with paging."""
import datetime
import uuid
from decimal import Decimal

import pytest
from cassandra import FunctionFailure, InvalidRequest
from cassandra.query import SimpleStatement, tuple_factory
from cassandra.util import Duration

from test_cqlsh import cqlsh


@pytest.fixture(scope="module")
def sel(session):
    session.execute("CREATE TABLE IF NOT EXISTS sel (k int, c int, i int, b bigint, d double, de decimal, tx text,"
                    " ts timestamp, tu timeuuid, bl blob, du duration, m map<text, int>, st set<int>,"
                    " PRIMARY KEY (k, c))")
    insert = session.prepare("INSERT INTO sel (k, c, i, b, d, de, tx, ts, bl, du, m, st)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    ts = datetime.datetime(2011, 2, 3, 4, 5)
    session.execute(insert, (1, 1, 7, 10, 2.25, Decimal("1.5"), "x", ts, b"\x00" * 7 + b"\x03",
                             Duration(0, 1, 0), {"a": 1, "b": 2, "c": 3}, {1, 2, 3}))
    session.execute(insert, (1, 2, -3, 20, 0.5, Decimal("2.25"), "y", ts, None, None, None, None))
    session.execute(insert, (2, 1, 4, None, None, Decimal("0.25"), None, None, None, None, None, None))
    return session


def rows(session, query, parameters=None, prepared=False, fetch_size=5000):
    """(column names, rows as tuples) of a query run simple or prepared."""
    session.row_factory = tuple_factory
    try:
        if prepared:
            statement = session.prepare(query).bind(parameters or ())
            statement.fetch_size = fetch_size
            result = session.execute(statement)
        else:
            result = session.execute(SimpleStatement(query, fetch_size=fetch_size), parameters)
        return result.column_names, list(result)
    finally:
        from cassandra.query import named_tuple_factory
        session.row_factory = named_tuple_factory


@pytest.mark.parametrize("prepared", [False, True])
def test_native_functions_name_their_columns_as_cassandra(sel, prepared):
    names, result = rows(sel, "SELECT blobasbigint(bl), token(k), toDate(ts), toUnixTimestamp(ts), blobAsText(0x41)"
                              " FROM sel WHERE k = 1 AND c = 1", prepared=prepared)
    assert names == ["system.blobasbigint(bl)", "system.token(k)", "system.todate(ts)", "system.tounixtimestamp(ts)",
                     "system.blobastext(0x41)"]
    (bigint, token, date, millis, text), = result
    assert (bigint, token, str(date), millis, text) == (3, -4069959284402364209, "2011-02-03", 1296705900000, "A")


def test_functions_in_insert_values_and_where_terms(sel):
    sel.execute("INSERT INTO sel (k, c, tu, bl, ts) VALUES (3, 1, now(), textAsBlob('x'), toTimestamp(now()))")
    insert = sel.prepare("INSERT INTO sel (k, c, tu, bl) VALUES (?, ?, now(), textAsBlob(?))")
    assert [(column.name, column.type.typename) for column in insert.column_metadata][2:] == [("arg0(system.textasblob)", "varchar")]
    sel.execute(insert, (3, 2, "y"))
    names, result = rows(sel, "SELECT blobastext(bl) FROM sel WHERE k = 3")
    assert [r[0] for r in result] == ["x", "y"]
    after = "SELECT c FROM sel WHERE k = 3 AND tu > maxTimeuuid('2013-01-01 00:05+0000') ALLOW FILTERING"
    assert [r.c for r in sel.execute(after)] == [1, 2]
    prepared = sel.prepare("SELECT c FROM sel WHERE k = ? AND tu < minTimeuuid(?) ALLOW FILTERING")
    assert [r.c for r in sel.execute(prepared, (3, datetime.datetime(2013, 1, 1)))] == []
    assert [r.c for r in sel.execute(prepared, (3, datetime.datetime(2999, 1, 1)))] == [1, 2]
    with pytest.raises(InvalidRequest, match="Type error: cannot assign result of function system.now"):
        sel.execute("INSERT INTO sel (k, c, ts) VALUES (3, 3, now())")


@pytest.mark.parametrize("prepared", [False, True])
def test_aggregates_keep_cassandras_result_types(sel, prepared):
    names, result = rows(sel, "SELECT count(*), count(tx), sum(i), avg(i), sum(de), avg(de), min(tx), max(ts), k"
                              " FROM sel WHERE k IN (1, 2)", prepared=prepared)
    assert names[:3] == ["count", "system.count(tx)", "system.sum(i)"]
    assert result == [(3, 2, 8, 2, Decimal("4.00"), Decimal("1.333333333333333333333333333333333"), "x",
                       datetime.datetime(2011, 2, 3, 4, 5), 1)]


@pytest.mark.parametrize("prepared", [False, True])
def test_cast_and_arithmetic(sel, prepared):
    names, result = rows(sel, "SELECT cast(i AS text), cast(d AS int), cast(ts AS text), i + b, i / 2, -i, (i + 1) * 2,"
                              " de / 3, ts + du FROM sel WHERE k = 1 AND c = 1", prepared=prepared)
    assert names[:5] == ["cast(i as text)", "cast(d as int)", "cast(ts as text)", "i + b", "i / 2"]
    assert result == [("7", 2, "2011-02-03T04:05:00.000Z", 17, 3, -7, 16, Decimal("0.5"),
                       datetime.datetime(2011, 2, 4, 4, 5))]
    with pytest.raises(FunctionFailure, match=r"the operation 'int / int' failed: / by zero"):
        rows(sel, "SELECT i / 0 FROM sel WHERE k = 1", prepared=prepared)
    with pytest.raises(InvalidRequest, match="tx cannot be cast to int"):
        rows(sel, "SELECT cast(tx AS int) FROM sel", prepared=prepared)
    names, result = rows(sel, "SELECT castAsInt(d) FROM sel WHERE k = 1 AND c = 1", prepared=prepared)
    assert (names, result) == (["system.castasint(d)"], [(2,)])


@pytest.mark.parametrize("prepared", [False, True])
def test_duration_literals_in_selector_arithmetic(sel, prepared):
    names, result = rows(sel, "SELECT ts + 1h30m, ts - 1mo FROM sel WHERE k = 1 AND c = 1", prepared=prepared)
    assert names == ["ts + 1h30m", "ts - 1mo"]
    assert result == [(datetime.datetime(2011, 2, 3, 5, 35), datetime.datetime(2011, 1, 3, 4, 5))]


def test_markers_in_the_select_list_take_their_parameters_types(sel):
    prepared = sel.prepare("SELECT blobastext(?), tounixtimestamp(maxtimeuuid(?)), m[?] FROM sel WHERE k = 1 AND c = 1")
    assert [(column.name, column.type.typename) for column in prepared.column_metadata] == [
        ("arg0(system.blobastext)", "blob"), ("arg0(system.maxtimeuuid)", "timestamp"), ("key(m)", "varchar")]
    row = list(sel.execute(prepared, (b"hi", datetime.datetime(1970, 1, 1, 0, 0, 1), "b")))[0]
    assert tuple(row) == ("hi", 1000, 2)


def test_duration_arithmetic_with_a_bound_duration(sel):
    update = sel.prepare("UPDATE sel SET du = ? WHERE k = ? AND c = ?")
    sel.execute(update, (Duration(1, 2, 3_000_000_000), 1, 2))
    names, result = rows(sel, "SELECT ts - du FROM sel WHERE k = 1 AND c = 2", prepared=True)
    assert result == [(datetime.datetime(2011, 1, 1, 4, 4, 57),)]
    shifted = sel.prepare("SELECT ts + ?, i * ? FROM sel WHERE k = 1 AND c = 1")
    assert [column.type.typename for column in shifted.column_metadata] == ["duration", "int"]
    row = list(sel.execute(shifted, (Duration(0, 1, 0), 3)))[0]
    assert tuple(row) == (datetime.datetime(2011, 2, 4, 4, 5), 21)


@pytest.mark.parametrize("prepared", [False, True])
def test_element_and_slice_selection(sel, prepared):
    names, result = rows(sel, "SELECT m['b'], m['a'..'b'], m[..'a'], st[2], st[2..] FROM sel WHERE k = 1 AND c = 1",
                         prepared=prepared)
    assert names == ["m['b']", "m['a'..'b']", "m[..'a']", "st[2]", "st[2..]"]
    assert result == [(2, {"a": 1, "b": 2}, {"a": 1}, 2, {2, 3})]
    bound = sel.prepare("SELECT m[?] FROM sel WHERE k = 1 AND c = 1")
    assert list(sel.execute(bound, ("c",)))[0][0] == 3
    with pytest.raises(InvalidRequest, match="Element selection is only allowed on sets and maps"):
        sel.execute("CREATE TABLE IF NOT EXISTS sel_list (k int PRIMARY KEY, l list<int>)")
        sel.execute("SELECT l[0] FROM sel_list")


def test_unknown_function_and_wrong_arity(sel):
    with pytest.raises(InvalidRequest, match="Unknown function 'foo'"):
        sel.execute("SELECT foo(i) FROM sel")
    with pytest.raises(InvalidRequest, match=r"Invalid number of arguments in call to function system.blobasbigint: "
                                             r"1 required but 2 provided"):
        sel.execute("SELECT blobasbigint(bl, bl) FROM sel")


@pytest.fixture(scope="module")
def grouped(session):
    session.execute("CREATE TABLE IF NOT EXISTS sel_groups (a int, b int, c int, v int, PRIMARY KEY (a, b, c))")
    insert = session.prepare("INSERT INTO sel_groups (a, b, c, v) VALUES (?, ?, ?, ?)")
    for a in range(3):
        for b in range(3):
            for c in range(3):
                session.execute(insert, (a, b, c, 100 * a + 10 * b + c))
    return session


@pytest.mark.parametrize("prepared", [False, True])
@pytest.mark.parametrize("fetch_size", [1, 2, 5000])
def test_group_by_pages_whole_groups(grouped, prepared, fetch_size):
    names, result = rows(grouped, "SELECT a, b, count(*), sum(v) FROM sel_groups GROUP BY a, b",
                         prepared=prepared, fetch_size=fetch_size)
    assert names == ["a", "b", "count", "system.sum(v)"]
    assert result == [(a, b, 3, 3 * (100 * a + 10 * b) + 3) for a in (1, 0, 2) for b in range(3)]
    _, limited = rows(grouped, "SELECT a, count(*) FROM sel_groups GROUP BY a LIMIT 2", prepared=prepared,
                      fetch_size=fetch_size)
    assert limited == [(1, 9), (0, 9)]
    _, one_partition = rows(grouped, "SELECT b, max(c) FROM sel_groups WHERE a = 2 GROUP BY b ORDER BY b DESC",
                            prepared=prepared, fetch_size=fetch_size)
    assert one_partition == [(2, 2), (1, 2), (0, 2)]


def test_group_by_refusals(grouped):
    with pytest.raises(InvalidRequest, match="Group by is currently only supported on the columns of the PRIMARY KEY, got v"):
        grouped.execute("SELECT a, count(*) FROM sel_groups GROUP BY v")
    with pytest.raises(InvalidRequest, match="Group by currently only support groups of columns following their declared order"):
        grouped.execute("SELECT a, count(*) FROM sel_groups GROUP BY a, c")


def test_cqlsh_shows_selectors_and_groups(node, grouped, sel):
    code, out, err = cqlsh(node, "-e", "SELECT a, count(*), cast(sum(v) AS text) AS total FROM interop.sel_groups"
                                       " WHERE a = 1 GROUP BY a")
    assert code == 0, err
    assert "total" in out and "(1 rows)" in out and "999" in out
    code, out, err = cqlsh(node, "-e", "SELECT m['b'], i * 2, blobasbigint(bl) FROM interop.sel WHERE k = 1 AND c = 1")
    assert code == 0, err
    assert "system.blobasbigint(bl)" in out and "14" in out
    code, out, err = cqlsh(node, "-e", "SELECT foo(i) FROM interop.sel")
    assert "Unknown function 'foo'" in err


@pytest.mark.parametrize("prepared", [False, True])
def test_writetime_of_a_collection_per_element(sel, prepared):
    sel.execute("INSERT INTO sel (k, c, st) VALUES (6, 1, {2, -1}) USING TIMESTAMP 1000 AND TTL 100")
    sel.execute("UPDATE sel USING TIMESTAMP 3000 SET st = st + {1} WHERE k = 6 AND c = 1")
    names, result = rows(sel, "SELECT writetime(st), maxwritetime(st), minwritetime(st) FROM sel WHERE k = 6",
                         prepared=prepared)
    assert names == ["writetime(st)", "maxwritetime(st)", "minwritetime(st)"]
    (writetimes, latest, earliest), = result
    assert (list(writetimes), latest, earliest) == ([1000, 3000, 1000], 3000, 1000)
    with pytest.raises(InvalidRequest, match="Cannot use selection function ttl on non-frozen collection st"):
        rows(sel, "SELECT ttl(st) FROM sel", prepared=prepared)
