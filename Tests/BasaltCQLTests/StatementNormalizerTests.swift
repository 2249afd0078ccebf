import Testing
import BasaltCQL

/// Statement text, then its normalized form: literals become `?`, names and keywords fold to lower
/// case, spacing is canonical, so inlined and prepared forms of one statement meet.
@Test(arguments: [
    ("SELECT * FROM ks.t WHERE k = 5", "select * from ks.t where k = ?"),
    ("select *   from ks.t where k=?", "select * from ks.t where k = ?"),
    ("INSERT INTO t (k, v) VALUES (1, 'it''s')", "insert into t (k, v) values (?, ?)"),
    ("insert into t(k,v) values(?,?)", "insert into t (k, v) values (?, ?)"),
    ("UPDATE t SET flag = true, n = -3.5e2 WHERE k = 0x0aff", "update t set flag = ?, n = ? where k = ?"),
    ("DELETE FROM t WHERE id = 123e4567-e89b-12d3-a456-426614174000", "delete from t where id = ?"),
    ("SELECT now(), token(k) FROM t WHERE k IN (1, 2) LIMIT 10", "select now(), token(k) from t where k in (?, ?) limit ?"),
    ("SELECT \"Mixed\" FROM \"Quoted\"\"Name\"", "select \"Mixed\" from \"Quoted\"\"Name\""),
    ("INSERT INTO t (k) VALUES (1) USING TTL 30 AND TIMESTAMP 99", "insert into t (k) values (?) using ttl ? and timestamp ?"),
    ("SELECT * FROM t WHERE d = 1h30m -- a comment", "select * from t where d = ?"),
    ("UPDATE t SET v = null WHERE k = :key;", "update t set v = ? where k = :key;"),
    ("SELECT * FROM t WHERE x = $$dollar$$", "select * from t where x = ?"),
    ("  SELECT 'unterminated", "SELECT 'unterminated"),
])
func normalizes(_ text: String, _ expected: String) {
    #expect(StatementNormalizer.normalize(text) == expected)
}

@Test func inlinedAndPreparedFormsAgree() {
    #expect(StatementNormalizer.normalize("SELECT v FROM ks.t WHERE k = 42")
        == StatementNormalizer.normalize("SELECT v FROM ks.t WHERE k = ?"))
}
