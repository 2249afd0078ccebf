import BasaltCore

/// The payload of an error response: why the replica did not answer (layout in
/// `docs/formats/internode.md`):
///
///     code u16 | message length u16 | message (UTF-8)
///
/// A verb handler may throw one of these to choose the code the requester sees (`.overloaded`,
/// `.unavailable`); any other error it throws is sent as `.handlerFailure` with the error's text.
public struct InternodeErrorResponse: Error, Hashable, Sendable, CustomStringConvertible {
    /// Longer messages are cut (at a character boundary) when encoded: the message is for a log
    /// line, and an error answer must stay small however large the failure's description is.
    public static let maximumMessageBytes = 4096

    public var code: InternodeErrorCode
    public var message: String

    public init(code: InternodeErrorCode, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    public func encoded() -> [UInt8] {
        var utf8 = Array(message.utf8)
        if utf8.count > Self.maximumMessageBytes {
            // Back up to the first byte of a UTF-8 sequence, so the cut leaves valid UTF-8.
            var end = Self.maximumMessageBytes
            while end > 0 && utf8[end] & 0xC0 == 0x80 { end -= 1 }
            utf8.removeSubrange(end...)
        }
        var writer = ByteWriter(capacity: 4 + utf8.count)
        writer.write(bigEndian: code.rawValue)
        writer.write(bigEndian: UInt16(utf8.count))
        writer.write(contentsOf: utf8)
        return writer.bytes
    }

    /// Decodes a whole payload; trailing bytes are an error (a new field needs a new version).
    public init(decoding payload: [UInt8]) throws(DecodeError) {
        var reader = ByteReader(payload)
        let rawCode = try reader.read(UInt16.self, "error code")
        guard let code = InternodeErrorCode(rawValue: rawCode) else {
            throw .malformed(what: "unknown error code \(rawCode)", offset: 0)
        }
        let message = try reader.readShortString(limit: Self.maximumMessageBytes, "error message")
        try reader.expectEnd("error response")
        self.init(code: code, message: message)
    }
}
