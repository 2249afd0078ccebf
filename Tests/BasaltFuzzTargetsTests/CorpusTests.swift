import BasaltFuzzTargets
import Foundation
import Testing

/// Every input in the checked-in corpus (`Tests/fuzz/corpus/<target>`: the seeds, and every input
/// that once crashed a decoder, kept as a regression) runs through its target without crashing.
/// `scripts/fuzz` searches for new ones with libFuzzer.
@Suite struct CorpusTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fuzz/corpus").path

    @Test(arguments: FuzzTarget.allCases)
    func theCorpusRunsClean(_ target: FuzzTarget) throws {
        let directory = Self.root + "/" + target.rawValue
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(!files.isEmpty, "no corpus in \(directory): basalt-fuzz seeds Tests/fuzz/corpus")
        for file in files { target.run(Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + file)))) }
    }

    /// The seeds are valid inputs, so they reach the decoders' deep paths (not only their first check).
    @Test(arguments: FuzzTarget.allCases)
    func seedsAreMadeByTheEncoders(_ target: FuzzTarget) throws {
        let seeds = try target.seeds()
        #expect(!seeds.isEmpty)
        for seed in seeds { target.run(seed) }
    }

    /// Truncations and single-byte changes of every seed: the cheap part of what the fuzzer does.
    @Test(arguments: FuzzTarget.allCases)
    func mutatedSeedsRunClean(_ target: FuzzTarget) throws {
        for seed in try target.seeds() {
            for length in stride(from: 0, to: seed.count, by: max(1, seed.count / 64)) { target.run(Array(seed.prefix(length))) }
            for position in stride(from: 0, to: seed.count, by: max(1, seed.count / 64)) {
                var mutated = seed
                mutated[position] ^= 0xFF
                target.run(mutated)
            }
        }
    }
}
