import Testing

@testable import BasaltStress

/// `--verify`'s bookkeeping as pure functions: which row and value each write has, what the
/// ledger remembers, and the verdict on each row read back.
@Suite struct VerifyTests {
    static func value(_ sequence: UInt64) -> [UInt8] { [UInt8(truncatingIfNeeded: sequence), 0xAB] }

    /// (observed, last acknowledged, unknown after it) → verdict.
    static let verdicts: [([UInt8]?, UInt64?, [UInt64], VerifyLedger.Verdict)] = [
        (value(4), 4, [], .verified),
        (nil, 4, [], .missing),
        (value(3), 4, [], .unexpected),  // an older write: the acknowledged overwrite was lost
        ([9, 9], 4, [], .unexpected),
        (value(7), 4, [7], .verified),  // a later write of unknown outcome landed
        (nil, nil, [7], .unknownAbsent),
        (value(7), nil, [7], .unknownPresent),
        (value(8), nil, [7], .unexpected),
        (nil, nil, [], .untouched),
    ]

    @Test(arguments: verdicts)
    func verdictOnARowReadBack(observed: [UInt8]?, acknowledged: UInt64?, unknownAfter: [UInt64], verdict: VerifyLedger.Verdict) {
        #expect(VerifyLedger.verdict(observed: observed, acknowledged: acknowledged, unknownAfter: unknownAfter, value: { Self.value($0) }) == verdict)
    }

    @Test func ledgerKeepsTheLastAcknowledgedWriteOfARowAndTheUnknownOnesAfterIt() {
        let ledger = VerifyLedger()
        // Row class 3 of a population of 10 is written by sequences 3, 13, 23, 33.
        ledger.recordUnknown(3)
        ledger.recordAcknowledged(13)
        ledger.recordUnknown(23)
        // 33 failed outright: neither acknowledged nor unknown.
        let history = ledger.history(first: 3, stride: 10, issued: 40)
        #expect(history.acknowledged == 13)
        #expect(history.unknownAfter == [23])
        ledger.recordAcknowledged(100_000)  // far beyond: the bit set grows
        #expect(ledger.history(first: 0, stride: 100_000, issued: 100_001).acknowledged == 100_000)
        #expect(ledger.history(first: 5, stride: 10, issued: 40) == (nil, []))
    }

    @Test(arguments: [1, 2, 7, 10, 1000, 65_536, 999_983])
    func uniformWritesVisitEveryRowOncePerLap(population: Int) {
        let selector = RowSelector(population: population, distribution: .uniform, seed: 42)
        var seen = Set<UInt64>()
        for sequence in 0..<UInt64(min(population, 5000)) { seen.insert(selector.writeRow(sequence)) }
        #expect(seen.count == min(population, 5000))
        #expect(seen.allSatisfy { $0 < population })
        // The next lap revisits the same rows in the same order.
        #expect(selector.writeRow(UInt64(population) + 3) == selector.writeRow(3))
    }

    @Test func readsStayAmongWrittenRows() {
        let selector = RowSelector(population: 1000, distribution: .uniform, seed: 1)
        let written = Set((0..<UInt64(50)).map(selector.writeRow))
        for sequence in 0..<UInt64(500) { #expect(written.contains(selector.readRow(sequence, written: 50))) }
        let gaussian = RowSelector(population: 1000, distribution: .gaussian, seed: 1)
        let middle = (0..<UInt64(2000)).filter { (333..<667).contains(gaussian.readRow($0, written: 1000)) }.count
        #expect(middle > 1200)  // ±1σ holds about 68% of a normal distribution
    }

    @Test func valuesFollowFromTheSequenceNumber() {
        let values = ValueGenerator(size: 13, seed: 9)
        #expect(values.value(5) == values.value(5))
        #expect(values.value(5) != values.value(6))
        #expect(values.value(5).count == 13)
        #expect(ValueGenerator(size: 0, seed: 9).value(1) == [])
    }
}
