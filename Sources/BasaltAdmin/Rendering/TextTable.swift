/// Columns of text aligned the way nodetool prints them: each column as wide as its widest cell,
/// two spaces between columns, no trailing spaces.
public struct TextTable: Sendable, Hashable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]] = []) {
        self.header = header
        self.rows = rows
    }

    public var text: String {
        let lines = [header] + rows
        let count = lines.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: count)
        for line in lines {
            for (index, cell) in line.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        return lines.map { line in
            var text = ""
            for (index, cell) in line.enumerated() {
                text += index + 1 == line.count ? cell : cell.padding(toLength: widths[index] + 2, withPad: " ", startingAt: 0)
            }
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }.joined(separator: "\n")
    }
}

/// Sizes and shares as nodetool prints them.
public enum AdminFormat {
    /// `512 bytes`, `1.5 KiB`, `2.25 GiB` (binary units, two decimals).
    public static func bytes(_ count: Int) -> String {
        if count < 1024 { return "\(count) bytes" }
        var value = Double(count)
        var unit = 0
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"]
        while value >= 1024, unit + 1 < units.count {
            value /= 1024
            unit += 1
        }
        return "\(decimal(value, places: 2)) \(units[unit])"
    }

    /// A share of 1 as a percentage with one decimal: `33.3%`.
    public static func percent(_ share: Double) -> String { "\(decimal(share * 100, places: 1))%" }

    /// Fixed decimals without Foundation's locale-dependent formatting.
    public static func decimal(_ value: Double, places: Int) -> String {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = Int((value * scale).rounded())
        let whole = scaled / Int(scale)
        let fraction = String(abs(scaled) % Int(scale))
        let padded = String(repeating: "0", count: max(0, places - fraction.count)) + fraction
        return places == 0 ? "\(whole)" : "\(scaled < 0 && whole == 0 ? "-" : "")\(whole).\(padded)"
    }

    /// Seconds as `1h 02m 03s` (minutes and seconds always two digits once a larger unit shows).
    public static func duration(seconds: Double) -> String {
        if seconds < 60 { return "\(decimal(seconds, places: seconds < 10 ? 2 : 1)) s" }
        let total = Int(seconds.rounded())
        let (hours, minutes, rest) = (total / 3600, total % 3600 / 60, total % 60)
        let two = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        return hours > 0 ? "\(hours)h \(two(minutes))m \(two(rest))s" : "\(minutes)m \(two(rest))s"
    }
}
