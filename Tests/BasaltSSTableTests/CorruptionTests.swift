import BasaltCore
import Glibc
import Testing
@testable import BasaltSSTable

/// Bad bytes on disk must surface as typed errors naming the file and offset: never a crash, never
/// wrong data.
@Suite struct CorruptionTests {
    /// 200 partitions in many small lz4 chunks.
    static func writeTable(_ dir: String) throws -> (SSTableDescriptor, [PartitionUpdate]) {
        var rng = SplitMix64(seed: 99)
        let partitions = randomKeys(&rng, count: 200).map { randomPartition(&rng, key: $0, rowCount: 3, valueSize: 20) }
        let options = SSTableWriterOptions(expectedPartitions: 200, chunkSize: 512, summaryInterval: 8)
        let (d, _) = try writeSSTable(partitions, directory: dir, options: options)
        return (d, partitions)
    }

    static func corruption(_ body: () throws -> Void) -> SSTableCorruption? {
        do {
            try body()
            return nil
        } catch let error as SSTableCorruption {
            return error
        } catch {
            Issue.record("expected SSTableCorruption, got \(error)")
            return nil
        }
    }

    @Test(arguments: [0, 1, 2, 7])
    func flippedBitInDataChunk(chunk: Int) throws {
        try withTemporaryDirectory { dir in
            let (d, partitions) = try Self.writeTable(dir)
            let range = try SSTableReader.open(d, cache: nil).data.info.frameRange(chunk)
            var data = readFile(d.path(.data))
            data[range.lowerBound + 3] ^= 0x10
            writeFile(d.path(.data), data)
            // The Data file's own CRC is not checked at open (that would read it all): open succeeds.
            let reader = try SSTableReader.open(d, cache: BlockCache(capacity: 1 << 20))

            // Point reads of partitions in that chunk throw; every other partition still reads right.
            var failures = 0
            for p in partitions {
                let entry = try reader.indexEntry(for: p.key)!
                let chunks = (entry.position / 512)...((entry.position + entry.length - 1) / 512)
                if chunks.contains(chunk) {
                    let error = Self.corruption { _ = try reader.read(p.key) }
                    #expect(error?.path == d.path(.data))
                    #expect(error?.offset == range.lowerBound)
                    failures += 1
                } else {
                    #expect(try reader.read(p.key) == p)
                }
            }
            #expect(failures > 0)
            // A scan returns the partitions before the bad chunk, then throws.
            let scanner = try reader.scanner()
            let error = Self.corruption { while try scanner.next() != nil {} }
            #expect(error?.path == d.path(.data) && error?.offset == range.lowerBound)
            #expect(throws: SSTableCorruption.self) { try reader.verifyChecksums() }
        }
    }

    @Test(arguments: SSTableComponent.allCases)
    func truncatedComponentFailsOpen(component: SSTableComponent) throws {
        try withTemporaryDirectory { dir in
            let (d, _) = try Self.writeTable(dir)
            let bytes = readFile(d.path(component))
            writeFile(d.path(component), Array(bytes.dropLast(3)))
            let error = Self.corruption { _ = try SSTableReader.open(d, cache: nil) }
            #expect(error?.path == d.path(component))
        }
    }

    @Test(arguments: SSTableComponent.listed)
    func missingComponentFailsOpen(component: SSTableComponent) throws {
        try withTemporaryDirectory { dir in
            let (d, _) = try Self.writeTable(dir)
            _ = unlink(d.path(component))
            let error = Self.corruption { _ = try SSTableReader.open(d, cache: nil) }
            #expect(error?.path == d.path(component))
            #expect(error?.reason.contains("missing") == true)
        }
    }

    @Test func missingTOCFailsOpen() throws {
        try withTemporaryDirectory { dir in
            let (d, _) = try Self.writeTable(dir)
            _ = unlink(d.path(.toc))
            let error = Self.corruption { _ = try SSTableReader.open(d, cache: nil) }
            #expect(error?.path == d.path(.toc))
            #expect(error?.reason.contains("TOC missing") == true)
        }
    }

    @Test(arguments: ["", "basalt-sstable 1\n", "basalt-sstable 2\nData 1 00000000\n", "garbage\n", "basalt-sstable 1\nData 1 0000000"])
    func malformedTOCFailsOpen(toc: String) throws {
        try withTemporaryDirectory { dir in
            let (d, _) = try Self.writeTable(dir)
            writeFile(d.path(.toc), Array(toc.utf8))
            let error = Self.corruption { _ = try SSTableReader.open(d, cache: nil) }
            #expect(error?.path == d.path(.toc))
        }
    }

    /// Garbage in a component whose TOC entry was rewritten to match, so the component's own checks
    /// must catch it: random bytes, and random bodies inside a valid magic/version/CRC envelope.
    @Test(arguments: [SSTableComponent.summary, .statistics, .filter, .compressionInfo])
    func garbageInWholeReadComponent(component: SSTableComponent) throws {
        try withTemporaryDirectory { dir in
            let (d, _) = try Self.writeTable(dir)
            let original = readFile(d.path(component))
            var rng = SplitMix64(seed: UInt64(component.rawValue.count))
            for round in 0..<150 {
                var garbage: [UInt8]
                switch round % 3 {
                case 0: garbage = bytes(&rng, count: Int.random(in: 0...200, using: &rng))
                case 1:
                    let magic = Array(original.prefix(6))
                    garbage = ComponentFrame.wrap(magic: Array(magic.prefix(4)), body: bytes(&rng, count: Int.random(in: 0...200, using: &rng)))
                default:
                    // The real body with a few bytes changed, re-sealed with a valid CRC.
                    var body = Array(original[6..<(original.count - 4)])
                    for _ in 0..<3 { body[Int.random(in: 0..<body.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
                    garbage = ComponentFrame.wrap(magic: Array(original.prefix(4)), body: body)
                }
                writeFile(d.path(component), garbage)
                resealTOC(d)
                // Either a typed error or (rarely, for a harmless change) a reader that still works.
                do {
                    let reader = try SSTableReader.open(d, cache: nil)
                    let scanner = try reader.scanner()
                    while try scanner.next() != nil {}
                } catch is SSTableCorruption {
                } catch {
                    Issue.record("unexpected error \(error)")
                }
            }
        }
    }

    @Test func garbageInIndex() throws {
        try withTemporaryDirectory { dir in
            let (d, partitions) = try Self.writeTable(dir)
            let original = readFile(d.path(.index))
            var rng = SplitMix64(seed: 5)
            for round in 0..<60 {
                var index = original
                if round % 2 == 0 {
                    // Random bytes over part of the file.
                    let start = Int.random(in: 0..<index.count, using: &rng)
                    for i in start..<min(index.count, start + 40) { index[i] = UInt8.random(in: 0...255, using: &rng) }
                } else {
                    // One flipped bit: the segment CRC must catch it.
                    index[Int.random(in: 6..<index.count, using: &rng)] ^= 1 << UInt8.random(in: 0...7, using: &rng)
                }
                writeFile(d.path(.index), index)
                resealTOC(d)
                do {
                    let reader = try SSTableReader.open(d, cache: nil)
                    for p in partitions {
                        do {
                            let got = try reader.read(p.key)
                            #expect(got == p || got == nil)
                        } catch let error as SSTableCorruption {
                            #expect(error.path == d.path(.index))
                        }
                    }
                    #expect(throws: SSTableCorruption.self) {
                        let scanner = try reader.scanner()
                        while try scanner.next() != nil {}
                    }
                } catch let error as SSTableCorruption {
                    #expect(error.path == d.path(.index))
                }
            }
        }
    }

    /// Entries decoded from random (but CRC-valid) segment bodies: errors, never traps.
    @Test func randomIndexSegmentBodies() throws {
        var rng = SplitMix64(seed: 11)
        for _ in 0..<2000 {
            let count = Int.random(in: 1...4, using: &rng)
            let frame = IndexSegment.frame(entryCount: count, body: bytes(&rng, count: Int.random(in: 0...80, using: &rng)))
            try IndexSegment.verify(frame, path: "x", fileOffset: 0, interval: 4)
            var cursor = IndexSegment.cursor(frame, path: "x", fileOffset: 0, streamLength: 1000)
            do {
                while try cursor.next() != nil {}
            } catch is SSTableCorruption {}
            var finder = IndexSegment.cursor(frame, path: "x", fileOffset: 0, streamLength: 1000)
            do {
                _ = try finder.find(PartitionKey(bytes(&rng, count: 3)))
            } catch is SSTableCorruption {}
        }
    }
}
