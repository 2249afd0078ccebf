import Testing
import BasaltCQL

/// Bind markers: index (order of appearance), name, and what each binds, rendered with the names
/// Cassandra reports in Prepared metadata (`in(c)`, `[limit]`, `key(m)`, ...) by `summary(of:)`.
struct BindMarkerCase: CustomTestStringConvertible, Sendable {
    let input: String
    let expected: [String]

    var testDescription: String { input }
}

let bindMarkerCases: [BindMarkerCase] = [
    .init(input: "SELECT * FROM t WHERE k = ? AND c IN ? LIMIT ?", expected: ["0 k", "1 in(c)", "2 [limit]"]),
    .init(input: "INSERT INTO ks.t (a, b, c, v) VALUES (?, ?, 1, 'x')", expected: ["0 a", "1 b"]),
    .init(
        input: "INSERT INTO t (k, v) VALUES (:key, :val) USING TTL :ttl AND TIMESTAMP ?",
        expected: ["0 :key k", "1 :val v", "2 :ttl [ttl]", "3 [timestamp]"]),
    .init(
        input: "UPDATE t USING TIMESTAMP ? SET v = ?, m[?] = ?, n = n + ? WHERE k = ? IF v = ?",
        expected: ["0 [timestamp]", "1 v", "2 key(m)", "3 value(m)", "4 n", "5 k", "6 v"]),
    .init(
        input: "DELETE m[?] FROM t USING TIMESTAMP ? WHERE k IN (?, ?)",
        expected: ["0 key(m)", "1 [timestamp]", "2 k", "3 k"]),
    .init(
        input: "SELECT * FROM t WHERE token(a, b) > token(?, ?) AND token(a, b) <= ?",
        expected: ["0 a", "1 b", "2 partition key token"]),
    .init(
        input: "SELECT * FROM t WHERE (c1, c2) > (?, ?) AND (c1, c2) < ? AND (c1, c2) IN ?",
        expected: ["0 c1", "1 c2", "2 (c1, c2)", "3 in(c1, c2)"]),
    .init(input: "SELECT * FROM t WHERE (c1, c2) IN ((?, ?), ?)", expected: ["0 c1", "1 c2", "2 (c1, c2)"]),
    .init(
        input: "SELECT * FROM t WHERE s CONTAINS ? AND m CONTAINS KEY ? PER PARTITION LIMIT ? LIMIT :lim",
        expected: ["0 value(s)", "1 key(m)", "2 [per_partition_limit]", "3 :lim [limit]"]),
    .init(
        input: "BEGIN BATCH USING TIMESTAMP ? INSERT INTO t (k) VALUES (?); UPDATE t SET v = ? WHERE k = ?; APPLY BATCH",
        expected: ["0 [timestamp]", "1 k", "2 v", "3 k"]),
    .init(input: "SELECT * FROM t WHERE k = blobAsText(?)", expected: ["0 arg0/1(blobastext)"]),
    .init(input: "INSERT INTO t (k, v) VALUES (?, f(1, ?, g(?)))", expected: ["0 k", "1 arg1/3(f)", "2 arg0/1(g)"]),
    .init(input: "SELECT * FROM t WHERE token(k) > token(?)", expected: ["0 k"]),
    .init(input: "SELECT blobastext(?), m[?], ? FROM t", expected: ["0 arg0/1(blobastext)", "1 key(m)", "2 <unknown>"]),
    .init(input: "UPDATE t SET l = [?, ?] WHERE k = ?", expected: ["0 <unknown>", "1 <unknown>", "2 k"]),
    .init(input: "SELECT * FROM t WHERE m[?] = ?", expected: ["0 key(m)", "1 value(m)"]),
    .init(input: "SELECT * FROM t WHERE \"K\" = :\"Id\"", expected: ["0 :Id K"]),
    .init(input: "CREATE TABLE t (k int PRIMARY KEY)", expected: []),
]

@Test(arguments: bindMarkerCases)
func bindMarkersAreNumberedAndTargeted(_ testCase: BindMarkerCase) throws {
    let markers = try CQLParser.parse(testCase.input).bindMarkers
    #expect(markers.map(summary) == testCase.expected)
    #expect(markers.map(\.index) == Array(markers.indices))
}

/// Each statement of a batch lists its own markers, with batch-wide indexes.
@Test func batchChildrenKeepBatchWideIndexes() throws {
    let statement = try CQLParser.parse(
        "BEGIN BATCH INSERT INTO t (k, v) VALUES (?, ?); DELETE FROM t WHERE k = ?; APPLY BATCH")
    guard case .batch(let batch) = statement else {
        Issue.record("not a batch: \(statement)")
        return
    }
    let childIndexes = batch.statements.map { child -> [Int] in
        switch child {
        case .insert(let insert): insert.bindMarkers.map(\.index)
        case .update(let update): update.bindMarkers.map(\.index)
        case .delete(let delete): delete.bindMarkers.map(\.index)
        }
    }
    #expect(childIndexes == [[0, 1], [2]])
}

func summary(of marker: BindMarker) -> String {
    let target = switch marker.target {
    case .column(let name): name
    case .columns(let names): "(" + names.joined(separator: ", ") + ")"
    case .inValues(let names): "in(" + names.joined(separator: ", ") + ")"
    case .key(let name): "key(\(name))"
    case .value(let name): "value(\(name))"
    case .token: "partition key token"
    case .limit: "[limit]"
    case .perPartitionLimit: "[per_partition_limit]"
    case .ttl: "[ttl]"
    case .timestamp: "[timestamp]"
    case .functionArgument(let function, let position, let count): "arg\(position)/\(count)(\(function))"
    case .unknown: "<unknown>"
    }
    return "\(marker.index) " + (marker.name.map { ":\($0) " } ?? "") + target
}
