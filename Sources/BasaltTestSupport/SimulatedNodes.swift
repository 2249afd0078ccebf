import BasaltFileSystem
import Glibc

/// What a name in a simulated directory points at.
enum SimulatedNode {
    case file(SimulatedInode)
    case directory(SimulatedDirectory)
}

/// A directory: its entries as the running system sees them, the entries a crash keeps for sure
/// (as of its last fsync), and the changes since, in order (each one atomic: a rename is one change).
final class SimulatedDirectory {
    var entries: [String: SimulatedNode] = [:]
    var durable: [String: SimulatedNode] = [:]
    var pending: [[(String, SimulatedNode?)]] = []

    func change(_ changes: [(String, SimulatedNode?)]) {
        for (name, node) in changes { entries[name] = node }
        pending.append(changes)
    }

    func sync() {
        durable = entries
        pending = []
    }

    /// The node at `path` (components split on "/", so relative and absolute paths name the same).
    func lookup(_ path: String) throws(SimulatedErrno) -> SimulatedNode {
        var node = SimulatedNode.directory(self)
        for part in path.split(separator: "/") where part != "." {
            guard case let .directory(directory) = node else { throw SimulatedErrno(ENOTDIR) }
            guard let next = directory.entries[String(part)] else { throw SimulatedErrno(ENOENT) }
            node = next
        }
        return node
    }

    /// The directory holding `path`'s last component, and that component.
    func parent(of path: String) throws(SimulatedErrno) -> (SimulatedDirectory, String) {
        let parts = path.split(separator: "/").filter { $0 != "." }
        guard let name = parts.last else { throw SimulatedErrno(EINVAL) }
        guard case let .directory(directory) = try lookup(parts.dropLast().joined(separator: "/")) else {
            throw SimulatedErrno(ENOTDIR)
        }
        return (directory, String(name))
    }
}

struct SimulatedErrno: Error {
    let code: Int32
    init(_ code: Int32) { self.code = code }
}

/// A file: the bytes reads see, the bytes a crash keeps for sure (as of its last fsync), and the
/// changes since, in order. A mapped file's current bytes live in its mapping instead.
final class SimulatedInode {
    enum Change {
        case write(offset: Int, bytes: [UInt8])
        case truncate(Int)
    }

    var data: [UInt8] = []
    var durable: [UInt8] = []
    var pending: [Change] = []
    var mapping: SimulatedMapping?

    var size: Int { mapping?.size ?? data.count }

    var contents: [UInt8] {
        guard let mapping else { return data }
        return [UInt8](UnsafeRawBufferPointer(start: mapping.buffer, count: mapping.size))
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) -> Int {
        let count = max(0, min(buffer.count, size - offset))
        guard count > 0, let target = buffer.baseAddress else { return 0 }
        if let mapping {
            target.copyMemory(from: mapping.buffer + offset, byteCount: count)
        } else {
            data.withUnsafeBytes { target.copyMemory(from: $0.baseAddress! + offset, byteCount: count) }
        }
        return count
    }

    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) {
        let copy = [UInt8](bytes)
        Self.write(copy[...], at: offset, into: &data)
        pending.append(.write(offset: offset, bytes: copy))
    }

    func truncate(to size: Int) {
        Self.resize(&data, to: size)
        pending.append(.truncate(size))
    }

    func sync() {
        durable = contents
        pending = []
    }

    /// A bit flipped at rest: in what is read now and in what a crash keeps.
    func flip(bit: Int) {
        let mask = UInt8(1) << UInt8(bit % 8)
        if let mapping {
            mapping.buffer.storeBytes(of: mapping.buffer.load(fromByteOffset: bit / 8, as: UInt8.self) ^ mask,
                                      toByteOffset: bit / 8, as: UInt8.self)
        } else {
            data[bit / 8] ^= mask
            // A pending write over the same byte would undo the flip at a crash; the flip is at rest.
            pending = pending.map { change in
                guard case let .write(offset, bytes) = change, (offset..<(offset + bytes.count)).contains(bit / 8) else { return change }
                var flipped = bytes
                flipped[bit / 8 - offset] ^= mask
                return .write(offset: offset, bytes: flipped)
            }
        }
        if bit / 8 < durable.count { durable[bit / 8] ^= mask }
    }

    static func write(_ bytes: ArraySlice<UInt8>, at offset: Int, into target: inout [UInt8]) {
        if target.count < offset + bytes.count { target += [UInt8](repeating: 0, count: offset + bytes.count - target.count) }
        target.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
    }

    static func resize(_ target: inout [UInt8], to size: Int) {
        if target.count > size { target.removeLast(target.count - size) } else { target += [UInt8](repeating: 0, count: size - target.count) }
    }
}

/// A mapped file's memory. Owned by the mapping object the process holds, so that it stays valid for
/// a crashed process still writing into it; the disk stops reading it at the crash (`dead`).
final class SimulatedMapping {
    let buffer: UnsafeMutableRawPointer
    let size: Int
    var dead = false

    init(size: Int) {
        self.size = size
        buffer = UnsafeMutableRawPointer.allocate(byteCount: max(size, 1), alignment: SimulatedDisk.pageSize)
        buffer.initializeMemory(as: UInt8.self, repeating: 0, count: size)
    }

    deinit { buffer.deallocate() }
}
