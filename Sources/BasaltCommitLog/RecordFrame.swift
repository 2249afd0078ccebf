import BasaltCore

/// How one record is framed inside a segment (docs/formats/commitlog.md):
///
///     [u32 payload length][u32 crc32c of those 4 length bytes][payload][u32 crc32c of payload]
///
/// all big-endian. The length has its own checksum so a corrupt length is caught before it is used to
/// find the payload; eight zero bytes where a frame would start mean "no more records" (segments are
/// preallocated with zeros, and crc32c of a zero length is not zero, so this cannot be a real frame).
enum RecordFrame {
    static let overhead = 12
    static let headerSize = 8

    @inline(__always)
    static func lengthChecksum(_ length: UInt32) -> UInt32 {
        withUnsafeBytes(of: length.bigEndian) { CRC32C.checksum($0) }
    }

    /// Writes the whole frame at `destination`, which must have `payload.count + overhead` bytes.
    @inline(__always)
    static func write(payload: UnsafeRawBufferPointer, payloadChecksum: UInt32, to destination: UnsafeMutableRawPointer) {
        let length = UInt32(payload.count)
        destination.storeBytes(of: length.bigEndian, as: UInt32.self)
        destination.storeBytes(of: lengthChecksum(length).bigEndian, toByteOffset: 4, as: UInt32.self)
        if let base = payload.baseAddress { (destination + headerSize).copyMemory(from: base, byteCount: payload.count) }
        destination.storeBytes(of: payloadChecksum.bigEndian, toByteOffset: headerSize + payload.count, as: UInt32.self)
    }

    /// What a reader finds at an offset.
    enum Check {
        case valid(payloadLength: Int)
        /// Zero bytes where a frame header would be: the end of the written records, if all that follows is zero.
        case endOfData
        /// Not a valid frame. `trustedEnd` is where the frame ends when its length checked out (only the
        /// payload is bad), so reading can resume right after it.
        case damaged(CommitLogCorruption.Reason, trustedEnd: Int?)
    }

    /// Checks the frame starting at `offset` in `bytes`; a length is trusted only after its checksum
    /// matched and it is within `limit` and within the bytes that remain.
    static func check(_ bytes: UnsafeRawBufferPointer, at offset: Int, limit: Int) -> Check {
        let available = bytes.count - offset
        assert(available >= 0, "frame check past the end of the segment")
        if available < headerSize {
            let tail = UnsafeRawBufferPointer(rebasing: bytes[offset...])
            return tail.allSatisfy { $0 == 0 } ? .endOfData : .damaged(.truncatedFrame(bytes: available), trustedEnd: nil)
        }
        let length = load(bytes, offset)
        let storedLengthCRC = load(bytes, offset + 4)
        if length == 0 && storedLengthCRC == 0 { return .endOfData }
        let computedLengthCRC = lengthChecksum(length)
        if computedLengthCRC != storedLengthCRC {
            return .damaged(.lengthChecksumMismatch(stored: storedLengthCRC, computed: computedLengthCRC), trustedEnd: nil)
        }
        let bound = min(limit, available - overhead)
        if Int(length) > bound { return .damaged(.lengthOutOfBounds(length: length, limit: max(bound, 0)), trustedEnd: nil) }
        let payloadStart = offset + headerSize
        let payload = UnsafeRawBufferPointer(rebasing: bytes[payloadStart..<(payloadStart + Int(length))])
        let stored = load(bytes, payloadStart + Int(length))
        let computed = CRC32C.checksum(payload)
        if stored != computed {
            return .damaged(.payloadChecksumMismatch(stored: stored, computed: computed), trustedEnd: payloadStart + Int(length) + 4)
        }
        return .valid(payloadLength: Int(length))
    }

    /// True when a valid frame starts at `offset`: the resynchronisation test after damage. Cheap
    /// rejections come first because it runs at every byte of a damaged region.
    static func isValid(_ bytes: UnsafeRawBufferPointer, at offset: Int, limit: Int) -> Bool {
        let available = bytes.count - offset
        guard available >= overhead else { return false }
        let length = load(bytes, offset)
        guard length != 0 || load(bytes, offset + 4) != 0, Int(length) <= min(limit, available - overhead) else { return false }
        if case .valid = check(bytes, at: offset, limit: limit) { return true }
        return false
    }

    @inline(__always)
    static func load(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }
}
