import NIOCore

/// Turns a byte stream into frames. Feed it whatever arrived, then drain `nextFrame()` until it
/// returns nil; frames come out identical however the bytes were split.
///
/// After any error the decoder stays failed and rethrows it: the stream position is unknown, so
/// the only safe continuation is to send the error reply and close the connection.
public struct CQLFrameDecoder: Sendable {
    public struct Configuration: Hashable, Sendable {
        /// `.request` on the server, `.response` in a client.
        public var direction: CQLFrameDirection
        public var maximumBodyLength: Int

        public init(direction: CQLFrameDirection, maximumBodyLength: Int = CQLFrame.defaultMaximumBodyLength) {
            precondition(maximumBodyLength >= 0 && maximumBodyLength <= Int(Int32.max))
            self.direction = direction
            self.maximumBodyLength = maximumBodyLength
        }
    }

    private enum State: Sendable {
        case decoding
        case failed(CQLProtocolError)
    }

    public let configuration: Configuration
    /// Set once STARTUP has negotiated compression; frames before that must not be compressed.
    public var compression: CQLCompression?
    private var buffered = ByteBuffer()
    private var state = State.decoding

    /// Bytes fed to the decoder are discarded from its buffer once this many have been consumed,
    /// bounding the memory held by a long-lived connection without copying on every frame.
    private static let compactionThreshold = 64 * 1024

    public init(configuration: Configuration, compression: CQLCompression? = nil) {
        self.configuration = configuration
        self.compression = compression
    }

    /// Bytes received but not yet part of a returned frame.
    public var bufferedByteCount: Int { buffered.readableBytes }

    public mutating func feed(_ bytes: ByteBuffer) {
        var bytes = bytes
        buffered.writeBuffer(&bytes)
    }

    /// The next complete frame, nil if more bytes are needed, or the protocol error that ends the
    /// connection.
    public mutating func nextFrame() throws(CQLProtocolError) -> CQLFrame? {
        if case .failed(let error) = state { throw error }
        do {
            let frame = try buffered.readCQLFrame(
                direction: configuration.direction, compression: compression,
                maximumBodyLength: configuration.maximumBodyLength)
            if buffered.readerIndex >= Self.compactionThreshold { buffered.discardReadBytes() }
            return frame
        } catch let error as CQLProtocolError {
            state = .failed(error)
            throw error
        } catch {
            preconditionFailure("frame reading threw a non-protocol error: \(error)")
        }
    }

    /// Feeds `bytes` and returns every frame now complete.
    public mutating func decode(_ bytes: ByteBuffer) throws(CQLProtocolError) -> [CQLFrame] {
        feed(bytes)
        var frames: [CQLFrame] = []
        while let frame = try nextFrame() { frames.append(frame) }
        return frames
    }
}
