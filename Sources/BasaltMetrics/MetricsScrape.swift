import BasaltInstruments

/// The metrics one scrape reads from the node's live figures (tables, commit log, hints, gossip):
/// values that already exist as counts for `basalt admin`, read at scrape time instead of counted a
/// second time. Rendered in the Prometheus text format (0.0.4), one family per name in the order
/// first added, beside what swift-prometheus renders for the metrics recorded through swift-metrics.
public struct MetricsScrape: Sendable {
    public enum Kind: String, Sendable {
        case counter, gauge, histogram
    }

    private struct Family {
        var kind: Kind
        var help: String
        var lines: [String] = []
    }

    private var order: [String] = []
    private var families: [String: Family] = [:]

    public init() {}

    public mutating func gauge(_ name: String, _ help: String, labels: [(String, String)] = [], _ value: Double) {
        sample(name, .gauge, help, name + Self.render(labels) + " " + Self.render(value))
    }

    public mutating func gauge(_ name: String, _ help: String, labels: [(String, String)] = [], _ value: Int) {
        gauge(name, help, labels: labels, Double(value))
    }

    /// A count kept elsewhere since the node started (Prometheus detects the reset at a restart).
    public mutating func counter(_ name: String, _ help: String, labels: [(String, String)] = [], _ value: Int) {
        precondition(name.hasSuffix("_total"), "a counter's name ends in _total: \(name)")
        sample(name, .counter, help, name + Self.render(labels) + " " + String(value))
    }

    /// A latency histogram in seconds, at the power-of-two bounds of `LatencySnapshot`.
    public mutating func histogram(_ name: String, _ help: String, labels: [(String, String)] = [], _ snapshot: LatencySnapshot) {
        precondition(name.hasSuffix("_seconds"), "a latency histogram's name ends in _seconds: \(name)")
        let (bounds, total) = snapshot.cumulativePowerOfTwoBuckets()
        for bound in bounds {
            sample(name, .histogram, help, name + "_bucket" + Self.render(labels + [("le", Self.render(bound.seconds))]) + " \(bound.count)")
        }
        sample(name, .histogram, help, name + "_bucket" + Self.render(labels + [("le", "+Inf")]) + " \(total)")
        sample(name, .histogram, help, name + "_sum" + Self.render(labels) + " " + Self.render(Double(snapshot.sumNanoseconds) / 1e9))
        sample(name, .histogram, help, name + "_count" + Self.render(labels) + " \(total)")
    }

    public var names: [String] { order }

    public func text() -> String {
        var out = ""
        for name in order {
            let family = families[name]!
            out += "# HELP \(name) \(family.help)\n# TYPE \(name) \(family.kind.rawValue)\n"
            for line in family.lines { out += line + "\n" }
        }
        return out
    }

    private mutating func sample(_ name: String, _ kind: Kind, _ help: String, _ line: String) {
        if families[name] == nil {
            order.append(name)
            families[name] = Family(kind: kind, help: help)
        }
        precondition(families[name]!.kind == kind, "\(name) added as both \(families[name]!.kind) and \(kind)")
        families[name]!.lines.append(line)
    }

    static func render(_ labels: [(String, String)]) -> String {
        guard !labels.isEmpty else { return "" }
        return "{" + labels.map { "\($0.0)=\"\(escape($0.1))\"" }.joined(separator: ",") + "}"
    }

    /// The text format's escapes in label values: backslash, double quote and line feed.
    static func escape(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    static func render(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
