import BasaltCore
import Foundation

/// Which row an operation touches, as a pure function of its sequence number, so that `--verify`
/// can tell what each write put where without storing the rows.
///
/// Rows are numbered `0 ..< population`; row `r` is partition `r / rowsPerPartition`, clustering
/// `r % rowsPerPartition`. Write `s` goes to row `writeRow(s)`: a bijection of `s % population`
/// for `sequential` and `uniform`, so writes `s` and `s + population` hit the same row and no
/// two writes of one lap collide.
public struct RowSelector: Sendable {
    public let population: UInt64
    public let distribution: StressConfiguration.Distribution
    /// Multiplier of the uniform permutation `x ↦ (a·x + c) mod population`, coprime with the
    /// population so that the map is a bijection.
    private let multiplier: UInt64
    private let offset: UInt64
    private let seed: UInt64

    public init(population: Int, distribution: StressConfiguration.Distribution, seed: UInt64) {
        precondition(population > 0)
        self.population = UInt64(population)
        self.distribution = distribution
        self.seed = seed
        var multiplier = (0x9E37_79B9_7F4A_7C15 ^ seed) % self.population
        while Self.gcd(multiplier, self.population) != 1 { multiplier = (multiplier + 1) % self.population }
        self.multiplier = max(multiplier, 1)
        offset = mixed(seed) % self.population
    }

    /// The row of write number `sequence`.
    public func writeRow(_ sequence: UInt64) -> UInt64 {
        switch distribution {
        case .sequential: sequence % population
        case .uniform: permute(sequence % population)
        case .gaussian: gaussian(sequence ^ 0xA5A5_A5A5)
        }
    }

    /// The row read by read number `sequence`, among the first `written` rows of the write order
    /// (all of the population for a read-only run).
    public func readRow(_ sequence: UInt64, written: UInt64) -> UInt64 {
        let available = max(1, min(written, population))
        switch distribution {
        case .sequential: return writeRow(sequence % available)
        case .uniform: return writeRow(mixed(sequence ^ seed) % available)
        case .gaussian: return gaussian(sequence)
        }
    }

    private func permute(_ index: UInt64) -> UInt64 {
        let product = multiplier.multipliedFullWidth(by: index)
        let remainder = population.dividingFullWidth(product).remainder
        let (sum, overflow) = remainder.addingReportingOverflow(offset)
        // remainder and offset are both below population, so one subtraction brings it back.
        return overflow || sum >= population ? sum &- population : sum
    }

    /// A normal sample (Box–Muller from two hashes), mean population / 2, σ = population / 6,
    /// clamped to the population.
    private func gaussian(_ sequence: UInt64) -> UInt64 {
        let first = Double(mixed(sequence ^ seed) >> 11) / Double(1 << 53)
        let second = Double(mixed(sequence ^ seed ^ 0xDEAD_BEEF) >> 11) / Double(1 << 53)
        let standard = (-2 * log(1 - first)).squareRoot() * cos(2 * Double.pi * second)
        let value = Double(population) / 2 + standard * Double(population) / 6
        return UInt64(min(max(value, 0), Double(population - 1)))
    }

    private static func gcd(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }
}

/// A well-mixed 64-bit hash of `value`: the first output of SplitMix64 seeded with it.
func mixed(_ value: UInt64) -> UInt64 {
    var generator = SplitMix64(seed: value)
    return generator.next()
}
