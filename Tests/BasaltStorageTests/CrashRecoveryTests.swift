import BasaltCore
import Foundation
import Synchronization
import Testing
@testable import BasaltStorage

/// Kills a real writer process (`basalt debug crash-writer`) with SIGKILL at random moments, at least 20
/// times, and after each kill opens its data directory and checks that every write it acknowledged is
/// there with exactly the value written, and that no row holds a value nobody wrote.
@Suite("Crash recovery with a real process")
struct CrashRecoveryTests {
    /// The `basalt` binary next to this test bundle (SwiftPM builds both into the same directory).
    static var basaltBinary: String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var candidates = [bundle.appendingPathComponent("basalt").path]
        candidates.append(bundle.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("basalt").path)
        for product in Bundle.allBundles {
            candidates.append(product.bundleURL.deletingLastPathComponent().appendingPathComponent("basalt").path)
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    @Test(arguments: ["group"])
    func acknowledgedWritesSurviveSIGKILL(sync: String) throws {
        let binary = Self.basaltBinary
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build the basalt executable first (swift build): \(binary)")
        let directory = TemporaryDirectory("crash")
        defer { directory.remove() }
        var random = SplitMix64(seed: UInt64(Date().timeIntervalSince1970))
        var acknowledged = Set<Int>()
        let kills = 20
        for round in 0..<kills {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["debug", "crash-writer", "--dir", directory.path, "--threads", "8",
                                 "--first", "\(round * 10_000_000)", "--sync", sync]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            let received = Mutex(Data())
            pipe.fileHandleForReading.readabilityHandler = { handle in
                let data = handle.availableData
                received.withLock { $0.append(data) }
            }
            try process.run()
            // The kill's moment counts from the first acknowledgement, not from the launch, which
            // takes long on a loaded machine.
            let launched = ContinuousClock.now
            while !received.withLock({ $0.contains(UInt8(ascii: "\n")) }), process.isRunning,
                  ContinuousClock.now - launched < .seconds(60) {
                usleep(10_000)
            }
            // Let it run long enough to flush and compact (64 KiB memtables), then kill it mid-flight.
            usleep(UInt32(150_000 + random.next() % 450_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            pipe.fileHandleForReading.readabilityHandler = nil
            let rest = pipe.fileHandleForReading.readDataToEndOfFile()
            let output = String(decoding: received.withLock { $0 } + rest, as: UTF8.self)
            var ids = 0
            for line in output.split(separator: "\n") where line.hasPrefix("A ") {
                // A line cut by the kill is not an acknowledgement the writer finished printing.
                if let id = Int(line.dropFirst(2)), line.count > 2 { acknowledged.insert(id); ids += 1 }
            }
            #expect(ids > 0, "round \(round): the writer acknowledged nothing before the kill")
            try verify(directory: directory.path, acknowledged: acknowledged, round: round)
        }
    }

    func verify(directory: String, acknowledged: Set<Int>, round: Int) throws {
        let engine = try StorageEngine(configuration: CrashWorkload.configuration(directory: directory, syncMode: .defaultGroup))
        defer { try? engine.close() }
        let table = try engine.openTable(CrashWorkload.table, options: CrashWorkload.options)
        try engine.replayCommitLog()
        var missing: [Int] = []
        for id in acknowledged {
            guard let partition = try table.read(CrashWorkload.key(id)),
                  partition.rows.first?.cells.first?.value == CrashWorkload.value(id) else {
                missing.append(id)
                continue
            }
        }
        #expect(missing.isEmpty, "round \(round): \(missing.count) of \(acknowledged.count) acknowledged writes lost, e.g. \(missing.prefix(5))")
        var invented = 0
        for partition in try table.scan() {
            guard let id = CrashWorkload.id(of: partition.key),
                  partition.rows.first?.cells.first?.value == CrashWorkload.value(id) else {
                invented += 1
                continue
            }
        }
        #expect(invented == 0, "round \(round): \(invented) rows hold data that was never written")
    }
}
