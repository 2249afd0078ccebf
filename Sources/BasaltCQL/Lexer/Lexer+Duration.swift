/// Duration literals, Cassandra's `DURATION` token: `-`? then either units (`1h30m`, `2d`, `12mo`,
/// `1y2mo3w4d5h6m7s8ms9us10ns`, `µs`; units in any case) or an ISO 8601 period with upper-case
/// designators (`P1Y2M3DT4H5M6S`, `P2W`, `PT1H`, `P0001-02-03T04:05:06`).
///
/// Only the shape is checked here, as in Cassandra's lexer; whether the units come in order and fit
/// in range is the value's business (`CQLDurationText`), so `1s1h` lexes and then fails as a value.
extension Lexer {
    /// The end of a duration literal starting at `start`, or nil if none starts there.
    ///
    /// A unit form needs a unit right after digits, so `1`, `1.5` and `1e5` stay numbers. An ISO form
    /// needs at least one number and must end the word: Cassandra lexes `P1D` as a duration rather than
    /// a name (its DURATION rule comes first), but a longer word such as `P1Day` stays a name.
    func durationEnd(at start: Int) -> Int? {
        let body = byte(start) == .minus ? start + 1 : start
        if byte(body).isDigit { return unitDurationEnd(at: body) }
        guard byte(body) == UInt8(ascii: "P"),
              let end = alternativeDurationEnd(at: body + 1) ?? weeksDurationEnd(at: body + 1)
                ?? designatorDurationEnd(at: body + 1),
              !continuesWord(end)
        else { return nil }
        return end
    }

    /// `(digits unit)+`: a unit must follow every run of digits, and the literal ends at the last unit.
    private func unitDurationEnd(at start: Int) -> Int? {
        var end = start
        var matched: Int?
        while byte(end).isDigit {
            var afterDigits = end
            while byte(afterDigits).isDigit { afterDigits += 1 }
            guard let afterUnit = unitEnd(at: afterDigits) else { break }
            end = afterUnit
            matched = afterUnit
        }
        return matched
    }

    /// The longest unit at `index`: two-letter units first, so `1ms` is milliseconds, not minutes then `s`.
    private func unitEnd(at index: Int) -> Int? {
        let first = byte(index) | 0x20, second = byte(index + 1) | 0x20
        // U+00B5 MICRO SIGN is C2 B5 in UTF-8.
        if byte(index) == 0xC2, byte(index + 1) == 0xB5, byte(index + 2) | 0x20 == UInt8(ascii: "s") { return index + 3 }
        switch (first, second) {
        case (UInt8(ascii: "m"), UInt8(ascii: "o")), (UInt8(ascii: "m"), UInt8(ascii: "s")),
             (UInt8(ascii: "u"), UInt8(ascii: "s")), (UInt8(ascii: "n"), UInt8(ascii: "s")):
            return index + 2
        default:
            return "ywdhms".utf8.contains(first) && byte(index).isLetter ? index + 1 : nil
        }
    }

    /// After `P`: `[nY][nM][nD][T[nH][nM][nS]]`, each part at most once and in this order.
    private func designatorDurationEnd(at start: Int) -> Int? {
        var index = start
        var numbers = 0
        func parts(_ designators: String) {
            for designator in designators.utf8 {
                var afterDigits = index
                while byte(afterDigits).isDigit { afterDigits += 1 }
                if afterDigits > index, byte(afterDigits) == designator {
                    index = afterDigits + 1
                    numbers += 1
                }
            }
        }
        parts("YMD")
        if byte(index) == UInt8(ascii: "T") {
            let beforeTime = numbers
            index += 1
            parts("HMS")
            guard numbers > beforeTime else { return nil }
        }
        return numbers > 0 ? index : nil
    }

    /// After `P`: `nW`.
    private func weeksDurationEnd(at start: Int) -> Int? {
        var index = start
        while byte(index).isDigit { index += 1 }
        return index > start && byte(index) == UInt8(ascii: "W") ? index + 1 : nil
    }

    /// After `P`: `YYYY-MM-DDThh:mm:ss`, fixed width.
    private func alternativeDurationEnd(at start: Int) -> Int? {
        let layout = Array("0000-00-00T00:00:00".utf8)
        for (offset, expected) in layout.enumerated() {
            let actual = byte(start + offset)
            guard expected == .zero ? actual.isDigit : actual == expected else { return nil }
        }
        return start + layout.count
    }

    private func continuesWord(_ index: Int) -> Bool {
        byte(index).isLetter || byte(index).isDigit || byte(index) == .underscore
    }
}
