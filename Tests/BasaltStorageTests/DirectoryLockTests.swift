import Foundation
import Testing
@testable import BasaltStorage

@Suite struct DirectoryLockTests {
    @Test func aSecondEngineOnTheSameDirectoryIsRefusedUntilTheFirstCloses() throws {
        let directory = TemporaryDirectory("lock")
        defer { directory.remove() }
        let first = try StorageEngine(configuration: StorageConfiguration(directory: directory.path))
        #expect(throws: StorageError.directoryLocked(directory: directory.path, holder: getpid())) {
            try StorageEngine(configuration: StorageConfiguration(directory: directory.path))
        }
        try first.close()
        let second = try StorageEngine(configuration: StorageConfiguration(directory: directory.path))
        try second.close()
    }

    @Test func anEngineThatIsDroppedReleasesTheLock() throws {
        let directory = TemporaryDirectory("lock-drop")
        defer { directory.remove() }
        do { _ = try DirectoryLock(directory: directory.path) }
        let again = try DirectoryLock(directory: directory.path)
        again.release()
        again.release()
    }

    /// The in-process table is keyed by the canonical path, and a refused second lock must not
    /// touch the file: closing any descriptor of it would drop the first holder's record lock.
    @Test func anotherSpellingOfTheSameDirectoryIsRefusedAndTheFirstLockSurvives() throws {
        let directory = TemporaryDirectory("lock-alias")
        defer { directory.remove() }
        let first = try DirectoryLock(directory: directory.path)
        #expect(throws: StorageError.directoryLocked(directory: directory.path + "/.", holder: getpid())) {
            try DirectoryLock(directory: directory.path + "/.")
        }
        #expect(throws: StorageError.directoryLocked(directory: directory.path, holder: getpid())) {
            try DirectoryLock(directory: directory.path)
        }
        first.release()
        try DirectoryLock(directory: directory.path + "/.").release()
    }
}
