/// Walks the records of one segment image in order, resynchronising past damage.
///
/// Damage is never skipped silently: each unreadable region comes out as an event, either followed by
/// a valid record (`damage`) or running to the last non-zero byte of the segment (`damagedTail`, which
/// the caller classifies as a torn write or a corruption depending on whether anything came later).
struct SegmentScanner {
    enum Event {
        /// A frame whose checksums match; `end` is the offset just after it.
        case record(payload: Range<Int>, end: Int)
        /// Unreadable bytes `offset..<offset + length`, with a valid record right after them.
        case damage(offset: Int, length: Int, reason: CommitLogCorruption.Reason)
        /// Unreadable bytes from `offset` to the last non-zero byte, with no valid record after them.
        case damagedTail(offset: Int, length: Int, reason: CommitLogCorruption.Reason)
    }

    private let bytes: UnsafeRawBufferPointer
    private let limit: Int
    /// Just after the last non-zero byte: no frame can start at or after it (a frame header is never zero).
    private let dataEnd: Int
    private var offset: Int
    private var finished = false

    /// `limit` bounds every length (the writer's maximum record size); `start` is just after the header.
    init(bytes: UnsafeRawBufferPointer, start: Int, limit: Int) {
        assert(start <= bytes.count, "scan starts past the segment end")
        self.bytes = bytes
        self.limit = limit
        self.offset = start
        self.dataEnd = Self.endOfNonZeroBytes(bytes, from: start)
    }

    mutating func next() -> Event? {
        if finished { return nil }
        let start = offset
        let reason: CommitLogCorruption.Reason
        var trustedEnd: Int?
        switch RecordFrame.check(bytes, at: start, limit: limit) {
        case let .valid(length):
            offset = start + length + RecordFrame.overhead
            return .record(payload: (start + RecordFrame.headerSize)..<(start + RecordFrame.headerSize + length), end: offset)
        case .endOfData:
            if dataEnd <= start {
                finished = true
                return nil
            }
            reason = .dataAfterEndMarker
        case let .damaged(why, end):
            reason = why
            trustedEnd = end
        }
        assert(dataEnd > start, "damage reported where every byte is zero")
        if let resume = resynchronise(after: start, trustedEnd: trustedEnd) {
            offset = resume
            return .damage(offset: start, length: resume - start, reason: reason)
        }
        finished = true
        return .damagedTail(offset: start, length: dataEnd - start, reason: reason)
    }

    /// The next offset after `start` where a valid frame begins. When the damaged frame's length was
    /// trustworthy, the frame right after it is tried first, so resynchronisation cannot be fooled by
    /// frame-like bytes inside a damaged payload.
    private func resynchronise(after start: Int, trustedEnd: Int?) -> Int? {
        if let end = trustedEnd, end < dataEnd, RecordFrame.isValid(bytes, at: end, limit: limit) { return end }
        var candidate = start + 1
        while candidate < dataEnd {
            if RecordFrame.isValid(bytes, at: candidate, limit: limit) { return candidate }
            candidate += 1
        }
        return nil
    }

    private static func endOfNonZeroBytes(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var end = bytes.count
        // Word at a time: an unused preallocated segment is megabytes of zeros.
        while end - 8 >= start && bytes.loadUnaligned(fromByteOffset: end - 8, as: UInt64.self) == 0 { end -= 8 }
        while end > start && bytes[end - 1] == 0 { end -= 1 }
        return end
    }
}
