import BasaltMetrics
import Testing

private func run(_ rows: Int = 1, failed: Bool = false, ms: Int64 = 1, at now: Int64 = 1_000) -> StatementStatistics.Execution {
    StatementStatistics.Execution(rows: rows, failed: failed, nanoseconds: ms * 1_000_000, nowMilliseconds: now)
}

private func key(_ text: String, _ keyspace: String? = "ks") -> StatementStatistics.Key {
    StatementStatistics.Key(keyspace: keyspace, statement: text)
}

@Test func callsRowsErrorsAndTimesAddUp() throws {
    let store = StatementStatistics(capacity: 10)
    store.record(key("select ?"), run(3, ms: 2, at: 100))
    store.record(key("select ?"), run(4, failed: true, ms: 6, at: 300))
    store.record(key("select ?", nil), run(at: 200))
    let rows = store.rows.sorted { $0.key.keyspace > $1.key.keyspace }
    #expect(rows.count == 2)
    let row = try #require(rows.first)
    #expect(row.key == key("select ?"))
    #expect(row.calls == 2 && row.rows == 7 && row.errors == 1)
    #expect(row.latency.sumNanoseconds == 8_000_000 && row.latency.maximumNanoseconds == 6_000_000)
    #expect(row.firstSeenMilliseconds == 100 && row.lastSeenMilliseconds == 300)
    #expect(rows[1].key.keyspace == "")
}

@Test func preparedIDsShareTheRowOfTheirText() {
    let store = StatementStatistics(capacity: 10)
    var asked = 0
    let id: [UInt8] = [1, 2, 3]
    for _ in 0..<3 {
        store.record(preparedID: id, key: { asked += 1; return key("select v from t where k = ?") }, run())
    }
    store.record(key("select v from t where k = ?"), run())
    #expect(asked == 1)
    #expect(store.rows.map(\.calls) == [4])
}

/// Capacity, then statements by their calls: the next new one evicts the least called (the
/// oldest last call among equals).
@Test(arguments: [
    (2, [("a", 3), ("b", 1)], "b"),
    (3, [("a", 1), ("b", 1), ("c", 2)], "a"),
    (1, [("a", 5)], "a"),
] as [(Int, [(String, Int)], String)])
func aFullStoreEvictsTheLeastUsed(_ capacity: Int, _ calls: [(String, Int)], _ evicted: String) {
    let store = StatementStatistics(capacity: capacity)
    var clock: Int64 = 0
    for (text, count) in calls {
        for _ in 0..<count {
            clock += 1
            store.record(key(text), run(at: clock))
        }
    }
    store.record(key("new"), run(at: clock + 1))
    let left = Set(store.rows.map(\.key.statement))
    #expect(left.count == capacity)
    #expect(left.contains("new"))
    #expect(!left.contains(evicted))
}

@Test func aPreparedIDWhoseRowWasEvictedOrResetFindsANewOne() {
    let store = StatementStatistics(capacity: 1)
    let id: [UInt8] = [9]
    store.record(preparedID: id, key: { key("p") }, run())
    store.record(key("other"), run())
    store.record(preparedID: id, key: { key("p") }, run())
    #expect(store.rows.map(\.key.statement) == ["p"])
    store.reset()
    #expect(store.rows.isEmpty)
    store.record(preparedID: id, key: { key("p") }, run())
    #expect(store.rows.map(\.calls) == [1])
}

@Test func theSlowQueryLogKeepsTheNewestAndCutsLongText() {
    let log = SlowQueryLog(thresholdMilliseconds: 100, capacity: 2)
    #expect(!log.isSlow(nanoseconds: 100_000_000))
    #expect(log.isSlow(nanoseconds: 100_000_001))
    for index in 0..<3 {
        log.record(SlowQueryLog.Entry(keyspace: nil, statement: String(repeating: "x", count: index == 2 ? 5_000 : 1),
                                      consistency: "ONE", durationNanoseconds: 200_000_000, coordinator: "127.0.0.1",
                                      replicas: [], rows: index, startedAtMilliseconds: 0))
    }
    #expect(log.recent.map(\.rows) == [1, 2])
    #expect(log.recent.last!.statement.count == SlowQueryLog.maximumTextLength + 3)
    #expect(!SlowQueryLog(thresholdMilliseconds: 0).isSlow(nanoseconds: .max - 1))
}
