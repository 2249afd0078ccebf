import BasaltCore
import BasaltFileSystem
import BasaltTestSupport
import Glibc
import Testing

/// The simulated disk keeps what was synced and nothing more is promised: the model the storage
/// tests rely on.
@Suite struct SimulatedDiskTests {
    func disk(_ seed: UInt64) -> SimulatedDisk {
        var random = SplitMix64(seed: seed)
        return SimulatedDisk(random: &random)
    }

    func write(_ bytes: [UInt8], to path: String, on fs: any FileSystem, sync: Bool) throws {
        let file = try fs.open(path, .createNew)
        try file.append(bytes)
        if sync { try file.sync() }
    }

    @Test func syncedFileAndDirectorySurviveACrash() throws {
        let disk = disk(1)
        let fs = disk.mount()
        try fs.makeDirectories("/data/t")
        try write(Array(repeating: 7, count: 5000), to: "/data/t/a", on: fs, sync: true)
        try fs.syncDirectory("/data/t")
        disk.crash()
        #expect(disk.contents(of: "/data/t/a") == Array(repeating: 7, count: 5000))
    }

    @Test(arguments: 0..<20)
    func unsyncedDataIsKeptDroppedOrTornNeverInvented(_ seed: UInt64) throws {
        let disk = disk(seed)
        let fs = disk.mount()
        try fs.makeDirectories("/d")
        try write([1, 2, 3], to: "/d/synced", on: fs, sync: true)
        try fs.syncDirectory("/d")
        let file = try fs.open("/d/synced", .createOrOpen)
        let more = [UInt8](repeating: 9, count: 3000)
        try file.write(more, at: 3)
        try write([5, 5], to: "/d/unsynced-entry", on: fs, sync: true)
        disk.crash()
        let after = try #require(disk.contents(of: "/d/synced"))
        #expect(Array(after.prefix(3)) == [1, 2, 3])
        #expect(after.count == 3 || (after.count - 3) % 512 == 0 || after.count == 3003)
        #expect(after.dropFirst(3).allSatisfy { $0 == 9 })
        // Its directory was never synced after the create: the name may be gone, its data not torn.
        if let entry = disk.contents(of: "/d/unsynced-entry") { #expect(entry == [5, 5]) }
    }

    @Test func theCrashedProcessCanNoLongerWrite() throws {
        let disk = disk(2)
        let old = disk.mount()
        try old.makeDirectories("/d")
        let file = try old.open("/d/f", .createNew)
        disk.crash()
        #expect(throws: FileSystemError.self) { try file.append([1]) }
        #expect(throws: FileSystemError.self) { try old.makeDirectory("/e") }
        _ = try disk.mount().listDirectory("/")
    }

    @Test func sameSeedSameCrash() throws {
        func run() throws -> [UInt8]? {
            let disk = disk(42)
            let fs = disk.mount()
            try fs.makeDirectories("/d")
            try fs.syncDirectory("/d")
            let file = try fs.open("/d/f", .createNew)
            try fs.syncDirectory("/d")
            for i in 0..<50 {
                let chunk = [UInt8](repeating: UInt8(i), count: 1000)
                try file.append(chunk)
            }
            disk.crash()
            return disk.contents(of: "/d/f")
        }
        #expect(try run() == run())
    }

    @Test(arguments: [SimulatedDisk.Fault.noSpaceOnWrite, .syncFailure, .noSpaceOnSync, .readError, .noSpaceOnAllocate])
    func forcedFaultsStrikeOnceAndAreCounted(_ fault: SimulatedDisk.Fault) throws {
        let disk = disk(3)
        let fs = disk.mount()
        try fs.makeDirectories("/d")
        let file = try fs.open("/d/f", .createNew)
        disk.failNext(fault)
        func attempt() throws {
            switch fault {
            case .noSpaceOnWrite: try file.append([1])
            case .syncFailure, .noSpaceOnSync: try file.sync()
            case .readError:
                var byte: UInt8 = 0
                _ = try withUnsafeMutableBytes(of: &byte) { (raw) throws(FileSystemError) in try file.read(into: raw, at: 0) }
            default: _ = try fs.createMapped("/d/m", size: 8192)
            }
        }
        let error = try #require(throws: FileSystemError.self) { try attempt() }
        #expect(error.errorNumber == ([.syncFailure, .readError].contains(fault) ? EIO : ENOSPC))
        try attempt()
        #expect(disk.counts[fault] == 1)
    }
}
