import Testing
@testable import BasaltCQL

/// What the lexer makes of text near the DURATION token: durations where Cassandra's lexer finds
/// one, and the numbers, blobs, uuids and names it must keep lexing as before.
struct LexedCase: CustomTestStringConvertible, Sendable {
    let text: String
    let tokens: [TokenKind]
    let values: [String]

    init(_ text: String, _ tokens: [(TokenKind, String)]) {
        self.text = text
        self.tokens = tokens.map(\.0)
        values = tokens.map(\.1)
    }

    var testDescription: String { text }
}

let lexedCases: [LexedCase] = [
    .init("1h30m", [(.duration, "1h30m")]),
    .init("2d", [(.duration, "2d")]),
    .init("-1h", [(.duration, "-1h")]),
    .init("12mo", [(.duration, "12mo")]),
    .init("12MO", [(.duration, "12MO")]),
    .init("1y2mo3w4d5h6m7s8ms9us10ns", [(.duration, "1y2mo3w4d5h6m7s8ms9us10ns")]),
    .init("5µs", [(.duration, "5µs")]),
    .init("3ms", [(.duration, "3ms")]),
    .init("P1Y2M3DT4H5M6S", [(.duration, "P1Y2M3DT4H5M6S")]),
    .init("P2W", [(.duration, "P2W")]),
    .init("PT1H", [(.duration, "PT1H")]),
    .init("-P1D", [(.duration, "-P1D")]),
    .init("P0001-02-03T04:05:06", [(.duration, "P0001-02-03T04:05:06")]),
    // Cassandra's lexer finds the duration first and leaves the rest to the next token.
    .init("1h30", [(.duration, "1h"), (.integer, "30")]),
    .init("1s1h", [(.duration, "1s1h")]),
    .init("1", [(.integer, "1")]),
    .init("-12", [(.integer, "-12")]),
    .init("1e5", [(.float, "1e5")]),
    .init("1.5", [(.float, "1.5")]),
    .init("1.5h", [(.float, "1.5"), (.identifier, "h")]),
    .init("0x1f", [(.hex, "1f")]),
    .init("0d", [(.duration, "0d")]),
    .init("1d2e3f40-0000-1000-8000-000000000000", [(.uuid, "1d2e3f40-0000-1000-8000-000000000000")]),
    .init("p1d", [(.identifier, "p1d")]),
    .init("P1Day", [(.identifier, "p1day")]),
    .init("PT", [(.identifier, "pt")]),
    .init("P", [(.identifier, "p")]),
    .init("PRIMARY", [(.identifier, "primary")]),
    .init("h1", [(.identifier, "h1")]),
    .init("1x", [(.integer, "1"), (.identifier, "x")]),
]

@Test(arguments: lexedCases)
func lexesAroundDurations(_ testCase: LexedCase) throws {
    let tokens = try Lexer(source: Array(testCase.text.utf8)).tokenize().dropLast()
    #expect(tokens.map(\.kind) == testCase.tokens)
    #expect(tokens.map(\.value) == testCase.values)
}

/// A duration is a term wherever a term is, and prints back as written.
@Test(arguments: [
    "INSERT INTO t (k, d) VALUES (1, 1h30m)",
    "UPDATE t SET d = P1DT2H WHERE k = 1",
    "UPDATE t SET l = [1h, 2d], m = {'a': -5m} WHERE k = 1",
    "SELECT * FROM t WHERE d = 1mo ALLOW FILTERING",
])
func durationIsATerm(_ text: String) throws {
    let statement = try CQLParser.parse(text)
    #expect(statement.description == text)
}
