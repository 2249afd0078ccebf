"""Queries that once returned wrong rows, through the Python driver (simple and prepared statements)."""
import pytest
from cassandra import InvalidRequest
from cassandra.query import BatchStatement, SimpleStatement


@pytest.fixture(scope="module")
def mixed(session):
    session.execute("CREATE TABLE IF NOT EXISTS answers_mixed (a int, b int, c int, PRIMARY KEY (a, b, c))"
                    " WITH CLUSTERING ORDER BY (b ASC, c DESC)")
    insert = session.prepare("INSERT INTO answers_mixed (a, b, c) VALUES (?, ?, ?)")
    for b in range(3):
        for c in range(3):
            session.execute(insert, (0, b, c))
    return session


def test_multi_column_slices_over_mixed_clustering_order(mixed):
    # Tuples compare by value; rows come in clustering order (b ASC, c DESC).
    expected = [(1, 2), (1, 1), (2, 2), (2, 1), (2, 0)]
    simple = mixed.execute("SELECT b, c FROM answers_mixed WHERE a = 0 AND (b, c) >= (1, 1)")
    assert [(r.b, r.c) for r in simple] == expected
    prepared = mixed.prepare("SELECT b, c FROM answers_mixed WHERE a = ? AND (b, c) >= (?, ?)")
    assert [(r.b, r.c) for r in mixed.execute(prepared, (0, 1, 1))] == expected
    both = mixed.prepare("SELECT b, c FROM answers_mixed WHERE a = ? AND (b, c) > (?, ?) AND (b) < (?)")
    assert [(r.b, r.c) for r in mixed.execute(both, (0, 0, 1, 2))] == [(0, 2), (1, 2), (1, 1), (1, 0)]
    tuples = mixed.prepare("SELECT b, c FROM answers_mixed WHERE a = ? AND (b, c) IN ?")
    assert [(r.b, r.c) for r in mixed.execute(tuples, (0, [(2, 0), (0, 1), (2, 0)]))] == [(0, 1), (2, 0)]


def test_in_naming_a_value_twice_returns_its_rows_once(mixed):
    simple = mixed.execute("SELECT b, c FROM answers_mixed WHERE a IN (0, 0) AND b = 1 AND c IN (2, 2, 0)")
    assert [(r.b, r.c) for r in simple] == [(1, 2), (1, 0)]
    prepared = mixed.prepare("SELECT b, c FROM answers_mixed WHERE a IN ? AND b IN ?")
    assert len(list(mixed.execute(prepared, ([0, 0], [2, 2])))) == 3


def test_order_by_with_in_sorts_across_partitions_and_refuses_paging(session):
    session.execute("CREATE TABLE IF NOT EXISTS answers_order (k int, c int, PRIMARY KEY (k, c))")
    for k, c in [(1, 5), (1, 2), (2, 4), (3, 1), (3, 6)]:
        session.execute("INSERT INTO answers_order (k, c) VALUES (%s, %s)", (k, c))
    query = "SELECT k, c FROM answers_order WHERE k IN (3, 1, 2) ORDER BY c DESC LIMIT 3"
    rows = session.execute(SimpleStatement(query, fetch_size=None))
    assert [(r.k, r.c) for r in rows] == [(3, 6), (1, 5), (2, 4)]
    prepared = session.prepare("SELECT k, c FROM answers_order WHERE k IN ? ORDER BY c ASC")
    bound = prepared.bind(([1, 2, 3],))
    bound.fetch_size = None
    assert [r.c for r in session.execute(bound)] == [1, 2, 4, 5, 6]
    with pytest.raises(InvalidRequest, match="Cannot page queries with both ORDER BY and a IN restriction"):
        session.execute(SimpleStatement(query, fetch_size=100))


def test_prepends_in_one_batch_put_the_last_statement_first(session):
    session.execute("CREATE TABLE IF NOT EXISTS answers_lists (k int PRIMARY KEY, l list<int>)")
    session.execute("INSERT INTO answers_lists (k, l) VALUES (0, [9])")
    prepend = session.prepare("UPDATE answers_lists SET l = ? + l WHERE k = ?")
    batch = BatchStatement()
    batch.add(prepend, ([1], 0))
    batch.add(prepend, ([2, 3], 0))
    session.execute(batch)
    assert session.execute("SELECT l FROM answers_lists WHERE k = 0").one().l == [2, 3, 1, 9]


def test_frozen_set_key_matches_in_any_element_order(session):
    session.execute("CREATE TABLE IF NOT EXISTS answers_frozen (k frozen<set<int>> PRIMARY KEY, v frozen<map<text, int>>)")
    insert = session.prepare("INSERT INTO answers_frozen (k, v) VALUES (?, ?)")
    # Lists are serialized in the order given, so the driver sends the elements unsorted.
    session.execute(insert, ([3, 1, 3], {"b": 2, "a": 1}))
    row = session.execute("SELECT k, v FROM answers_frozen WHERE k = {1, 3}").one()
    assert row is not None and list(row.k) == [1, 3] and list(row.v.items()) == [("a", 1), ("b", 2)]
    select = session.prepare("SELECT v FROM answers_frozen WHERE k = ?")
    assert session.execute(select, ([3, 1],)).one() is not None
