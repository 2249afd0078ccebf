import Foundation

/// The `speculative_retry` (and `additional_write_policy`) option as Cassandra 4 reads it:
/// `NONE`, `ALWAYS`, a percentile (`99p`, `99.5PERCENTILE`), a fixed delay (`50ms`), or
/// `MIN(...)`/`MAX(...)` of a percentile and a delay. Stored and shown in Cassandra's canonical
/// text (`99p`, `50ms`, `MIN(99p,50ms)`), since drivers and DESCRIBE print it back.
enum SpeculativeRetry {
    static func canonical(_ value: String, option: String) throws(QueryError) -> String {
        guard let policy = parse(value.trimmingCharacters(in: .whitespaces).uppercased()) else {
            throw .config("Invalid value \(value) for option '\(option)'")
        }
        return policy
    }

    private static func parse(_ text: String) -> String? {
        if text == "NONE" || text == "ALWAYS" { return text }
        for function in ["MIN", "MAX"] where text.hasPrefix(function + "(") && text.hasSuffix(")") {
            let inner = text.dropFirst(function.count + 1).dropLast().split(separator: ",", omittingEmptySubsequences: false)
            guard inner.count == 2 else { return nil }
            let parts = inner.map { String($0).trimmingCharacters(in: .whitespaces) }
            // One of each kind, percentile first in the canonical form.
            if let p = percentile(parts[0]), let d = delay(parts[1]) { return "\(function)(\(p),\(d))" }
            if let p = percentile(parts[1]), let d = delay(parts[0]) { return "\(function)(\(p),\(d))" }
            return nil
        }
        return percentile(text) ?? delay(text)
    }

    private static func percentile(_ text: String) -> String? {
        let number: Substring
        if text.hasSuffix("PERCENTILE") { number = text.dropLast(10) } else if text.hasSuffix("P") { number = text.dropLast() }
        else { return nil }
        guard let value = Double(number), value >= 0, value <= 100 else { return nil }
        // Java's DecimalFormat("#.####"): no trailing zeros, at most four decimals.
        var shown = String(format: "%.4f", value)
        while shown.hasSuffix("0") { shown.removeLast() }
        if shown.hasSuffix(".") { shown.removeLast() }
        return shown + "p"
    }

    private static func delay(_ text: String) -> String? {
        guard text.hasSuffix("MS"), let milliseconds = Double(text.dropLast(2)), milliseconds >= 0 else { return nil }
        return "\(Int(milliseconds))ms"
    }
}
