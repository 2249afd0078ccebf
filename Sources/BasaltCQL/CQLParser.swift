/// Entry points of the CQL-lite parser.
///
/// Parsing is pure: the same text always gives the same `Statement` or the same `CQLSyntaxError`, and
/// nothing is resolved against a schema (bare table names, column existence and types are the
/// executor's concern).
public enum CQLParser {
    /// Parses exactly one statement, optionally followed by `;`.
    public static func parse(_ text: String) throws(CQLSyntaxError) -> Statement {
        var parser = try Parser(source: Array(text.utf8))
        return try parser.singleStatement()
    }

    /// Parses statements separated by `;` (as in a file given to `cqlsh -f`). Empty statements are
    /// skipped; bind markers are numbered from 0 in each statement.
    public static func parseScript(_ text: String) throws(CQLSyntaxError) -> [Statement] {
        var parser = try Parser(source: Array(text.utf8))
        return try parser.script()
    }
}
