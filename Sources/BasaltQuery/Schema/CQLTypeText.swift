import BasaltCQL

/// Parses the CQL text of a type (`frozen<map<text, int>>`), the form in which schema definitions are
/// persisted and `system_schema.columns.type` shows them; the inverse of `CQLType.description`.
enum CQLTypeText {
    struct Invalid: Error { var text: String }

    static func parse(_ text: String) throws(Invalid) -> CQLType {
        var scanner = Scanner(chars: Array(text.filter { !$0.isWhitespace }))
        let type = try scanner.type()
        guard scanner.index == scanner.chars.count else { throw Invalid(text: text) }
        return type
    }

    private struct Scanner {
        var chars: [Character]
        var index = 0

        mutating func type() throws(Invalid) -> CQLType {
            var name = ""
            while index < chars.count, chars[index].isLetter || chars[index].isNumber || chars[index] == "_" {
                name.append(chars[index])
                index += 1
            }
            let arguments = index < chars.count && chars[index] == "<" ? try typeArguments() : []
            switch (name.lowercased(), arguments.count) {
            case ("list", 1): return .list(arguments[0])
            case ("set", 1): return .set(arguments[0])
            case ("map", 2): return .map(key: arguments[0], value: arguments[1])
            case ("frozen", 1): return .frozen(arguments[0])
            case ("tuple", let n) where n > 0: return .tuple(arguments)
            case ("varchar", 0): return .native(.text)
            case (let other, 0):
                guard let native = NativeType(rawValue: other) else { throw Invalid(text: String(chars)) }
                return .native(native)
            default: throw Invalid(text: String(chars))
            }
        }

        mutating func typeArguments() throws(Invalid) -> [CQLType] {
            index += 1
            var arguments: [CQLType] = []
            while true {
                arguments.append(try type())
                guard index < chars.count else { throw Invalid(text: String(chars)) }
                let separator = chars[index]
                index += 1
                if separator == ">" { return arguments }
                guard separator == "," else { throw Invalid(text: String(chars)) }
            }
        }
    }
}
