import BasaltCore

/// The envelope of every component read whole at open (Summary, Filter, Statistics, CompressionInfo)
/// and the header of the Index: a 4-byte magic naming the component, the format version, and (for the
/// whole-read ones) a trailing CRC-32C of everything before it, so each file checks itself even
/// without its TOC.
enum ComponentFrame {
    static let headerLength = 6
    static let trailerLength = 4

    static let indexMagic: [UInt8] = Array("BIDX".utf8)
    static let summaryMagic: [UInt8] = Array("BSUM".utf8)
    static let filterMagic: [UInt8] = Array("BFLT".utf8)
    static let statisticsMagic: [UInt8] = Array("BSTA".utf8)
    static let compressionMagic: [UInt8] = Array("BCMP".utf8)

    static func header(magic: [UInt8]) -> [UInt8] {
        var w = ByteWriter(capacity: headerLength)
        w.write(contentsOf: magic)
        w.write(bigEndian: SSTableFormat.version)
        return w.bytes
    }

    /// magic, version, body, CRC-32C of magic + version + body.
    static func wrap(magic: [UInt8], body: [UInt8]) -> [UInt8] {
        var w = ByteWriter(capacity: headerLength + body.count + trailerLength)
        w.write(contentsOf: header(magic: magic))
        w.write(contentsOf: body)
        w.write(bigEndian: CRC32C.checksum(w.bytes))
        return w.bytes
    }

    /// Checks magic and version at the start of `bytes`.
    static func checkHeader(_ bytes: [UInt8], magic: [UInt8], path: String) throws {
        guard bytes.count >= headerLength else {
            throw SSTableCorruption(path: path, offset: 0, reason: "\(bytes.count) bytes is shorter than the \(headerLength)-byte header")
        }
        guard Array(bytes[0..<4]) == magic else {
            throw SSTableCorruption(path: path, offset: 0,
                                    reason: "magic \(hexString(bytes[0..<4])) is not \(String(decoding: magic, as: UTF8.self))")
        }
        let version = UInt16(bytes[4]) << 8 | UInt16(bytes[5])
        guard version == SSTableFormat.version else {
            throw SSTableCorruption(path: path, offset: 4, reason: "format version \(version), this build reads \(SSTableFormat.version)")
        }
    }

    /// Verifies header and CRC; returns a reader over the body alone.
    static func unwrap(_ bytes: [UInt8], magic: [UInt8], path: String) throws -> ByteReader {
        try checkHeader(bytes, magic: magic, path: path)
        guard bytes.count >= headerLength + trailerLength else {
            throw SSTableCorruption(path: path, offset: bytes.count, reason: "file too short for its checksum")
        }
        let bodyEnd = bytes.count - trailerLength
        let stored = UInt32(bytes[bodyEnd]) << 24 | UInt32(bytes[bodyEnd + 1]) << 16
            | UInt32(bytes[bodyEnd + 2]) << 8 | UInt32(bytes[bodyEnd + 3])
        let actual = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<bodyEnd])) }
        guard stored == actual else {
            throw SSTableCorruption(path: path, offset: bodyEnd,
                                    reason: "checksum mismatch: stored \(hex32(stored)), computed \(hex32(actual))")
        }
        return ByteReader(bytes, offset: headerLength, end: bodyEnd)
    }

    /// Runs `body` on a reader over a component's body and requires it to consume every byte; decode
    /// errors become `SSTableCorruption` naming the file and the offset in it.
    static func decode<T>(_ bytes: [UInt8], magic: [UInt8], path: String,
                          _ body: (inout ByteReader) throws(DecodeError) -> T) throws -> T {
        var r = try unwrap(bytes, magic: magic, path: path)
        do throws(DecodeError) {
            let value = try body(&r)
            if !r.isAtEnd { throw DecodeError.malformed(what: "\(r.remaining) trailing bytes", offset: r.offset) }
            return value
        } catch {
            throw SSTableCorruption(path: path, offset: error.offset, reason: error.description)
        }
    }
}

/// Eight lower-case hex digits: how checksums appear in the TOC and in messages.
func hex32(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 8 - digits.count) + digits
}

extension DecodeError {
    var offset: Int {
        switch self {
        case let .truncated(_, offset, _), let .tooLong(_, offset, _, _), let .malformed(_, offset): offset
        }
    }
}
