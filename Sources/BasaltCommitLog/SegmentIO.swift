import Glibc

/// The system calls whose failure the log must survive: reserving a segment's space and forcing its
/// pages to disk. They sit behind a protocol so tests can make them fail (a full disk, a failing
/// device) without filling a real disk. Each returns 0 or an errno value.
protocol SegmentIO: Sendable {
    /// Reserves `size` bytes for the file so that writes through the mapping can never hit a full
    /// disk (which would be a SIGBUS, not an error).
    func allocate(descriptor: Int32, size: Int) -> Int32
    /// Writes a page-aligned range of a shared mapping to disk and waits for it.
    func sync(address: UnsafeMutableRawPointer, length: Int) -> Int32
}

/// The real calls: `posix_fallocate` and `msync(MS_SYNC)`.
struct SystemSegmentIO: SegmentIO {
    func allocate(descriptor: Int32, size: Int) -> Int32 {
        // posix_fallocate returns the error number instead of setting errno.
        posix_fallocate(descriptor, 0, off_t(size))
    }

    func sync(address: UnsafeMutableRawPointer, length: Int) -> Int32 {
        msync(address, length, MS_SYNC) == 0 ? 0 : errno
    }
}
