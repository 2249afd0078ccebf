/// Helpers that render AST nodes back to canonical CQL text.
///
/// Every AST type's `description` is CQL that parses back to an equal value, which makes the AST easy to
/// log, lets tests compare whole statements as one string, and lets tests check the round trip.
public enum CQLText {
    /// A name as it must be written to mean the same name: bare if it is a lower-case identifier that
    /// is not reserved, otherwise double-quoted with `""` escapes (which preserves its case).
    public static func name(_ name: String) -> String {
        var bytes = name.utf8.makeIterator()
        guard let first = bytes.next(), first.isLetter, !first.isUpper else { return quoted(name) }
        while let b = bytes.next() {
            guard (b.isLetter && !b.isUpper) || b.isDigit || b == .underscore else { return quoted(name) }
        }
        return ReservedWords.contains(name) ? quoted(name) : name
    }

    /// A function name: like `name`, except that `token` is reserved yet allowed as a function name.
    static func functionName(_ function: QualifiedName) -> String {
        let bare = function.name == "token" ? "token" : name(function.name)
        return function.keyspace.map { name($0) + "." + bare } ?? bare
    }

    /// A string literal with `''` escapes.
    public static func string(_ value: String) -> String {
        "'" + value.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
    }

    /// Items separated by `", "`.
    static func list<Item: CustomStringConvertible>(_ items: [Item]) -> String {
        items.map(\.description).joined(separator: ", ")
    }

    static func names(_ names: [String]) -> String {
        names.map(name).joined(separator: ", ")
    }

    private static func quoted(_ name: String) -> String {
        "\"" + name.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}
