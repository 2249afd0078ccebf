import BasaltCore
import Testing
import BasaltCQL

/// Random input must produce a statement or a `CQLSyntaxError`, never a crash or a hang; when it does
/// parse, the canonical text must parse back to the same statement.


let soupVocabulary: [String] = [
    "SELECT", "FROM", "WHERE", "AND", "INSERT", "INTO", "VALUES", "UPDATE", "SET", "DELETE", "BEGIN", "BATCH",
    "APPLY", "UNLOGGED", "COUNTER", "USING", "TTL", "TIMESTAMP", "IF", "NOT", "EXISTS", "CREATE", "ALTER", "DROP",
    "KEYSPACE", "TABLE", "WITH", "PRIMARY", "KEY", "STATIC", "CLUSTERING", "ORDER", "BY", "ASC", "DESC",
    "DESCRIBE", "KEYSPACES", "TABLES", "SCHEMA", "FULL", "CLUSTER", "INTERNALS", "USE", "TRUNCATE", "LIMIT",
    "PER", "PARTITION", "ALLOW", "FILTERING", "DISTINCT", "IN", "CONTAINS", "TOKEN", "COUNT", "AS", "ADD",
    "RENAME", "TO", "int", "text", "list", "map", "set", "frozen", "tuple", "null", "true", "NaN", "-Infinity",
    "k", "v", "ks", "t", "\"Quoted\"", "m", "1", "-7", "1.5e3", "'str'", "'it''s'", "$$dollar$$", "0xcafe",
    "123e4567-e89b-12d3-a456-426614174000", "?", ":name", "(", ")", "[", "]", "{", "}", "<", ">", "=", "!=",
    "<=", ">=", "+", "-", "+=", "-=", ",", ".", ";", ":", "*", "now()", "--c\n", "/*c*/",
]

let seedStatements: [String] = validStatements.map(\.input)

@Test func randomTokenSoupNeverCrashes() {
    var generator = SplitMix64(seed: 1)
    for _ in 0..<4_000 {
        let count = Int.random(in: 1...24, using: &generator)
        let text = (0..<count).map { _ in soupVocabulary.randomElement(using: &generator)! }.joined(separator: " ")
        checkNeverCrashes(text)
    }
}

@Test func randomBytesNeverCrash() {
    var generator = SplitMix64(seed: 2)
    for _ in 0..<4_000 {
        let count = Int.random(in: 0...64, using: &generator)
        let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
        checkNeverCrashes(String(decoding: bytes, as: UTF8.self))
    }
}

/// Valid statements with a few random byte edits: the inputs closest to real mistakes.
@Test func mutatedStatementsNeverCrash() {
    var generator = SplitMix64(seed: 3)
    let alphabet = Array("abcXYZ019_-+*/.,;:?'\"$(){}[]<>=! \n".utf8)
    for _ in 0..<4_000 {
        var bytes = Array(seedStatements.randomElement(using: &generator)!.utf8)
        for _ in 0..<Int.random(in: 1...3, using: &generator) {
            let position = Int.random(in: 0...bytes.count, using: &generator)
            switch Int.random(in: 0..<3, using: &generator) {
            case 0 where position < bytes.count: bytes.remove(at: position)
            case 1 where position < bytes.count: bytes[position] = alphabet.randomElement(using: &generator)!
            default: bytes.insert(alphabet.randomElement(using: &generator)!, at: position)
            }
        }
        checkNeverCrashes(String(decoding: bytes, as: UTF8.self))
    }
}

func checkNeverCrashes(_ text: String) {
    do {
        let statement = try CQLParser.parse(text)
        let reparsed = try? CQLParser.parse(statement.description)
        #expect(reparsed == statement, "round trip of \(text.debugDescription)")
    } catch {
        #expect(error.line >= 1 && error.column >= 1, "position of \(text.debugDescription)")
        #expect(!error.token.isEmpty && error.message.hasPrefix("line \(error.line):"))
    }
    do {
        _ = try CQLParser.parseScript(text)
    } catch {
        #expect(error.line >= 1 && error.column >= 1)
    }
}
