import ArgumentParser
import BasaltCommitLog
import BasaltCore
import BasaltStorage
import Foundation

/// The child process of the storage crash test (see `CrashWorkload`): writes rows as fast as it can on
/// several threads and prints `A <id>` for each write only after the engine acknowledged it as durable.
/// The test kills it with SIGKILL at a random moment and checks every printed id survived.
struct CrashWriter: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "crash-writer")

    @Option var dir: String
    @Option var threads = 4
    @Option(help: "First id; thread t writes ids first + t, first + t + threads, ...") var first = 0
    @Option(help: "group or periodic") var sync = "group"

    func run() throws {
        let mode: CommitLogSyncMode = sync == "periodic" ? .periodic(intervalMilliseconds: 10) : .defaultGroup
        let engine = try StorageEngine(configuration: CrashWorkload.configuration(directory: dir, syncMode: mode))
        try engine.openTable(CrashWorkload.table, options: CrashWorkload.options)
        try engine.replayCommitLog()
        let outputLock = NSLock()
        let group = DispatchGroup()
        for worker in 0..<threads {
            group.enter()
            Thread.detachNewThread { [first, threads] in
                defer { group.leave() }
                var id = first + worker
                while true {
                    let row = Row(clustering: .empty, cells: [Cell.live(column: 1, timestamp: Int64(id), value: CrashWorkload.value(id))])
                    do {
                        try engine.write(Mutation([PartitionUpdate(table: CrashWorkload.table, key: CrashWorkload.key(id), rows: [row])]))
                    } catch {
                        FileHandle.standardError.write(Data("write \(id) failed: \(error)\n".utf8))
                        return
                    }
                    outputLock.lock()
                    FileHandle.standardOutput.write(Data("A \(id)\n".utf8))
                    outputLock.unlock()
                    id += threads
                }
            }
        }
        group.wait()
    }
}
