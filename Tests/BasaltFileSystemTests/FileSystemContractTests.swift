import BasaltCore
import BasaltFileSystem
import BasaltTestSupport
import Foundation
import Testing

/// The simulated disk answers like the real one: the same calls, the same results and errno values,
/// on `PosixFileSystem` in a temporary directory and on a `SimulatedDisk`.
@Suite struct FileSystemContractTests {
    enum Kind: String, CaseIterable { case posix, simulated }

    /// A file system and a fresh root directory on it; `cleanup` removes what the test made.
    func make(_ kind: Kind) throws -> (fs: any FileSystem, root: String, cleanup: () -> Void) {
        switch kind {
        case .posix:
            let root = NSTemporaryDirectory() + "basalt-fs-contract-\(UUID().uuidString.prefix(8))"
            let fs = PosixFileSystem()
            try fs.makeDirectories(root)
            return (fs, root, { fs.removeTree(root) })
        case .simulated:
            var random = SplitMix64(seed: 5)
            let fs = SimulatedDisk(random: &random).mount()
            try fs.makeDirectories("/root")
            return (fs, "/root", {})
        }
    }

    /// The errno value `body` failed with, nil when it succeeded.
    func errno(_ body: () throws -> Void) -> Int32? {
        do { try body() } catch let error as FileSystemError { return error.errorNumber } catch { return -1 }
        return nil
    }

    @Test(arguments: Kind.allCases)
    func filesAndDirectoriesBehaveAlike(_ kind: Kind) throws {
        let (fs, root, cleanup) = try make(kind)
        defer { cleanup() }
        let a = root + "/a", b = root + "/b", sub = root + "/sub"
        let file = try fs.open(a, .createNew)
        try file.append([1, 2, 3])
        try file.write([9], at: 5)
        try file.sync()
        #expect(try file.size() == 6)
        #expect(try file.read(count: 10, at: 0) == [1, 2, 3, 0, 0, 9])
        #expect(errno { _ = try fs.open(a, .createNew) } == EEXIST)
        #expect(errno { _ = try fs.open(root + "/missing", .read) } == ENOENT)
        #expect(try fs.open(a, .createOrOpen).size() == 6)

        try fs.hardLink(a, to: b)
        #expect(errno { try fs.hardLink(a, to: b) } == EEXIST)
        try fs.rename(b, to: root + "/c")
        #expect(try fs.open(root + "/c", .read).read(count: 3, at: 0) == [1, 2, 3])
        #expect(try fs.makeDirectory(sub))
        #expect(try !fs.makeDirectory(sub))
        #expect(try fs.listDirectory(root) == ["a", "c", "sub"])
        #expect(fs.kind(of: sub) == .directory && fs.kind(of: a) == .file && fs.kind(of: b) == nil)
        try fs.syncDirectory(root)

        try fs.writeAtomically([7, 7], to: sub + "/m", directory: sub)
        try fs.writeAtomically([8], to: sub + "/m", directory: sub)
        #expect(try fs.readFile(sub + "/m", limit: 10) == [8])
        #expect(errno { _ = try fs.readFile(sub + "/m", limit: 0) } == EFBIG)
        #expect(try fs.listDirectory(sub) == ["m"])
        #expect(try fs.open(sub + "/m", .createOrTruncate).size() == 0)

        #expect(errno { try fs.remove(root + "/missing") } == ENOENT)
        try fs.remove(root + "/c")
        #expect(try fs.open(a, .read).size() == 6, "the other name still holds the file")
        fs.removeTree(sub)
        #expect(try fs.listDirectory(root) == ["a"])
    }

    @Test(arguments: Kind.allCases)
    func aMappedFileIsReservedWrittenInPlaceAndSynced(_ kind: Kind) throws {
        let (fs, root, cleanup) = try make(kind)
        defer { cleanup() }
        let path = root + "/segment"
        let mapped = try fs.createMapped(path, size: 8192)
        #expect(errno { _ = try fs.createMapped(path, size: 8192) } == EEXIST)
        mapped.base.storeBytes(of: 0xAB, toByteOffset: 5000, as: UInt8.self)
        try mapped.sync(from: 4999, to: 5001)
        let reader = try fs.open(path, .read)
        #expect(try reader.size() == 8192)
        #expect(try reader.read(count: 2, at: 5000) == [0xAB, 0])
    }

    /// The simulated lock conflicts between any two handles; the real one (a POSIX record lock)
    /// between processes, so another process tries it: Python's `lockf` takes the same record lock.
    @Test(arguments: Kind.allCases)
    func anExclusiveLockIsHeldUntilItsHandleGoes(_ kind: Kind) throws {
        let (fs, root, cleanup) = try make(kind)
        defer { cleanup() }
        let path = root + "/LOCK"
        var first: (any OpenFile)? = try fs.open(path, .createOrOpen)
        #expect(try first!.lockExclusively())
        switch kind {
        case .simulated:
            let second = try fs.open(path, .createOrOpen)
            #expect(try !second.lockExclusively())
            first = nil
            #expect(try second.lockExclusively())
        case .posix:
            #expect(try !Self.anotherProcessLocks(path))
            first = nil
            #expect(try Self.anotherProcessLocks(path))
        }
    }

    static func anotherProcessLocks(_ path: String) throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import fcntl, sys; fcntl.lockf(open(sys.argv[1], 'r+'), fcntl.LOCK_EX | fcntl.LOCK_NB)", path]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
