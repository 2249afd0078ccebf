/// An IPv4 (4 bytes) or IPv6 (16 bytes) address: the `inet` value, without a port (spec §6.9).
public struct CQLInet: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// Returns nil unless `bytes` is 4 or 16 long.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    init(validatedBytes: [UInt8]) {
        assert(validatedBytes.count == 4 || validatedBytes.count == 16)
        bytes = validatedBytes
    }

    /// Parses dotted-quad IPv4 or RFC 4291 IPv6 text (with `::` and an embedded IPv4 tail).
    /// Host names are not resolved: a codec must not do I/O.
    public init?(_ text: String) {
        if let v4 = parseIPv4(Substring(text)) {
            bytes = v4
        } else if let v6 = parseIPv6(text) {
            bytes = v6
        } else {
            return nil
        }
    }

    /// Dotted quad, or RFC 5952 IPv6 text (lowercase, longest zero run compressed).
    public var description: String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        let groups = (0..<8).map { Int(bytes[2 * $0]) << 8 | Int(bytes[2 * $0 + 1]) }
        var best = (start: -1, length: 0)
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else { index += 1; continue }
            let start = index
            while index < 8 && groups[index] == 0 { index += 1 }
            if index - start > best.length && index - start > 1 { best = (start, index - start) }
        }
        let hex = groups.map { String($0, radix: 16) }
        guard best.start >= 0 else { return hex.joined(separator: ":") }
        let head = hex[..<best.start].joined(separator: ":")
        let tail = hex[(best.start + best.length)...].joined(separator: ":")
        return head + "::" + tail
    }
}

private func parseIPv4(_ text: Substring) -> [UInt8]? {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 4 else { return nil }
    var bytes: [UInt8] = []
    for part in parts {
        guard (1...3).contains(part.count), part.utf8.allSatisfy(isDecimalDigit), let value = UInt8(part) else {
            return nil
        }
        bytes.append(value)
    }
    return bytes
}

private func parseIPv6(_ text: String) -> [UInt8]? {
    let halves = text.components(separatedBy: "::")
    guard halves.count <= 2 else { return nil }
    func groups(_ part: String, allowIPv4Tail: Bool) -> [UInt16]? {
        guard !part.isEmpty else { return [] }
        var result: [UInt16] = []
        let fields = part.split(separator: ":", omittingEmptySubsequences: false)
        for (index, field) in fields.enumerated() {
            if allowIPv4Tail && index == fields.count - 1 && field.contains(".") {
                guard let v4 = parseIPv4(field) else { return nil }
                result.append(UInt16(v4[0]) << 8 | UInt16(v4[1]))
                result.append(UInt16(v4[2]) << 8 | UInt16(v4[3]))
            } else {
                guard (1...4).contains(field.count), field.utf8.allSatisfy({ hexValue($0) != nil }),
                    let value = UInt16(field, radix: 16)
                else { return nil }
                result.append(value)
            }
        }
        return result
    }
    let groupsList: [UInt16]
    if halves.count == 2 {
        guard let head = groups(halves[0], allowIPv4Tail: false), let tail = groups(halves[1], allowIPv4Tail: true),
            head.count + tail.count < 8
        else { return nil }
        groupsList = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
    } else {
        guard let all = groups(halves[0], allowIPv4Tail: true), all.count == 8 else { return nil }
        groupsList = all
    }
    return groupsList.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
}

extension String {
    /// Splits on a multi-character separator without Foundation.
    fileprivate func components(separatedBy separator: String) -> [String] {
        var parts: [String] = []
        var rest = Substring(self)
        while let range = rest.firstRange(of: separator) {
            parts.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }
}
