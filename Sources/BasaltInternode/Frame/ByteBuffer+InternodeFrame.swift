import BasaltCore
import NIOCore

extension ByteBuffer {
    /// Appends `frame` in wire form and returns the bytes written.
    ///
    /// Frames are appended to whatever the buffer already holds: a connection encodes every frame
    /// of an event-loop tick into one buffer and hands it to the socket with one write.
    @discardableResult
    public mutating func writeInternodeFrame(_ frame: InternodeFrame) -> Int {
        let start = writerIndex
        reserveCapacity(minimumWritableBytes: frame.encodedLength)
        writeBytes(InternodeProtocol.magic)
        writeInteger(frame.version)
        writeInteger(frame.kind.flags)
        writeInteger(frame.verbCode)
        writeInteger(frame.requestID)
        // The payload length is a u32; frames are bounded far below that by the payload limit,
        // which the messenger checks before encoding.
        writeInteger(UInt32(truncatingIfNeeded: frame.payload.count))
        writeInteger(internodeChecksum(at: start, length: InternodeFrame.checksummedHeaderLength))
        writeBytes(frame.payload)
        writeInteger(CRC32C.checksum(frame.payload))
        return writerIndex - start
    }

    /// CRC-32C of `length` bytes starting at absolute index `index`, which must be readable.
    func internodeChecksum(at index: Int, length: Int) -> UInt32 {
        withUnsafeReadableBytes { readable in
            let offset = index - readerIndex
            return CRC32C.checksum(UnsafeRawBufferPointer(rebasing: readable[offset..<(offset + length)]))
        }
    }
}
