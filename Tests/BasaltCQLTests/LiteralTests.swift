import Testing
import BasaltCQL

/// Literal forms (including everything the python driver inlines) and the exact `Term` each becomes.
struct LiteralCase: CustomTestStringConvertible, Sendable {
    let text: String
    let term: Term

    init(_ text: String, _ term: Term) {
        self.text = text
        self.term = term
    }

    var testDescription: String { text }
}

let literalCases: [LiteralCase] = [
    .init("1", .integer("1")),
    .init("-42", .integer("-42")),
    .init("123456789012345678901234567890", .integer("123456789012345678901234567890")),
    .init("1.5", .float("1.5")),
    .init("3.", .float("3.")),
    .init("-2.5E-3", .float("-2.5E-3")),
    .init("1e10", .float("1e10")),
    .init("NaN", .float("NaN")),
    .init("-NaN", .float("NaN")),
    .init("Infinity", .float("Infinity")),
    .init("-infinity", .float("-Infinity")),
    .init("True", .boolean(true)),
    .init("FALSE", .boolean(false)),
    .init("NULL", .null),
    .init("'it''s'", .string("it's")),
    .init("''", .string("")),
    .init("'日本語'", .string("日本語")),
    .init("'line\nbreak'", .string("line\nbreak")),
    .init("$$a'b$c$$", .string("a'b$c")),
    .init("123e4567-e89b-12d3-a456-426614174000", .uuid("123e4567-e89b-12d3-a456-426614174000")),
    .init("ABCDEF01-2345-6789-ABCD-EF0123456789", .uuid("ABCDEF01-2345-6789-ABCD-EF0123456789")),
    .init("0xCAFE", .blob([0xCA, 0xFE])),
    .init("0X00ff", .blob([0x00, 0xFF])),
    .init("0x", .blob([])),
    .init("[]", .list([])),
    .init("[1, 'a']", .list([.integer("1"), .string("a")])),
    .init("{}", .emptyCollection),
    .init("{1, 2}", .set([.integer("1"), .integer("2")])),
    .init("{'a': 1, 'b': [2]}", .map([
        MapEntry(key: .string("a"), value: .integer("1")),
        MapEntry(key: .string("b"), value: .list([.integer("2")])),
    ])),
    .init("(1, 'a')", .tuple([.integer("1"), .string("a")])),
    .init("(1)", .tuple([.integer("1")])),
    .init("now()", .functionCall(FunctionCall(name: QualifiedName(name: "now"), arguments: []))),
    .init("toTimestamp(now())", .functionCall(FunctionCall(
        name: QualifiedName(name: "totimestamp"),
        arguments: [.functionCall(FunctionCall(name: QualifiedName(name: "now"), arguments: []))]))),
    .init("system.\"myFn\"(1)", .functionCall(FunctionCall(
        name: QualifiedName(keyspace: "system", name: "myFn"), arguments: [.integer("1")]))),
    .init("?", .bindMarker(BindMarker(index: 0, name: nil, target: .column("v")))),
    .init(":Val", .bindMarker(BindMarker(index: 0, name: "val", target: .column("v")))),
]

@Test(arguments: literalCases)
func literalBecomesTerm(_ testCase: LiteralCase) throws {
    let statement = try CQLParser.parse("INSERT INTO t (v) VALUES (\(testCase.text))")
    guard case .insert(let insert) = statement else {
        Issue.record("not an insert: \(statement)")
        return
    }
    #expect(insert.values == [testCase.term])
}
