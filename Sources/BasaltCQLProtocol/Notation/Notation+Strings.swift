import NIOCore

// [string], [long string], [string list], [string map], [string multimap] (spec §3).
// Every string is validated as UTF-8: ByteBuffer.readString would silently repair bad bytes.
extension ByteBuffer {
    mutating func readCQLString(_ field: String) throws -> String {
        let length = Int(try readCQLShort())
        return try readCQLUTF8(field, length: length)
    }

    mutating func readCQLLongString(_ field: String) throws -> String {
        let length = try readCQLInt()
        guard length >= 0 else { throw CQLProtocolError.invalidLength(field: field, length: length) }
        return try readCQLUTF8(field, length: Int(length))
    }

    private mutating func readCQLUTF8(_ field: String, length: Int) throws -> String {
        guard let bytes = readSlice(length: length) else { throw CQLNeedMoreBytes() }
        guard let string = String(validating: bytes.readableBytesView, as: UTF8.self) else {
            throw CQLProtocolError.invalidUTF8(field: field)
        }
        return string
    }

    mutating func readCQLStringList(_ field: String) throws -> [String] {
        // Each [string] is at least its 2-byte length.
        let count = try readCQLCount(field, minimumElementSize: 2, wide: false)
        var strings: [String] = []
        strings.reserveCapacity(count)
        for _ in 0..<count { strings.append(try readCQLString(field)) }
        return strings
    }

    mutating func readCQLStringMap(_ field: String) throws -> [String: String] {
        let count = try readCQLCount(field, minimumElementSize: 4, wide: false)
        var map: [String: String] = [:]
        for _ in 0..<count {
            let key = try readCQLString(field)
            let value = try readCQLString(field)
            guard map.updateValue(value, forKey: key) == nil else {
                throw CQLProtocolError.duplicateKey(field: field, key: key)
            }
        }
        return map
    }

    mutating func readCQLStringMultimap(_ field: String) throws -> [String: [String]] {
        let count = try readCQLCount(field, minimumElementSize: 4, wide: false)
        var map: [String: [String]] = [:]
        for _ in 0..<count {
            let key = try readCQLString(field)
            let values = try readCQLStringList(field)
            guard map.updateValue(values, forKey: key) == nil else {
                throw CQLProtocolError.duplicateKey(field: field, key: key)
            }
        }
        return map
    }

    /// A [string] longer than 65535 UTF-8 bytes cannot be written; callers with unbounded text
    /// (error messages) clamp it first with `clampedToShortString`.
    @discardableResult
    mutating func writeCQLString(_ string: String) -> Int {
        let count = string.utf8.count
        precondition(count <= Int(UInt16.max), "[string] of \(count) bytes exceeds 65535")
        return writeInteger(UInt16(count)) + writeString(string)
    }

    @discardableResult
    mutating func writeCQLLongString(_ string: String) -> Int {
        writeCQLIntCount(string.utf8.count) + writeString(string)
    }

    @discardableResult
    mutating func writeCQLStringList(_ strings: [String]) -> Int {
        strings.reduce(writeCQLShortCount(strings.count)) { $0 + writeCQLString($1) }
    }

    /// Keys are written sorted so that encoding is deterministic (golden bytes, stable tests).
    @discardableResult
    mutating func writeCQLStringMap(_ map: [String: String]) -> Int {
        map.keys.sorted().reduce(writeCQLShortCount(map.count)) { written, key in
            written + writeCQLString(key) + writeCQLString(map[key]!)
        }
    }

    @discardableResult
    mutating func writeCQLStringMultimap(_ map: [String: [String]]) -> Int {
        map.keys.sorted().reduce(writeCQLShortCount(map.count)) { written, key in
            written + writeCQLString(key) + writeCQLStringList(map[key]!)
        }
    }
}

extension String {
    /// The longest prefix that fits a [string] (65535 UTF-8 bytes), cut between Unicode scalars.
    var clampedToShortString: String {
        guard utf8.count > Int(UInt16.max) else { return self }
        var kept = String.UnicodeScalarView()
        var length = 0
        for scalar in unicodeScalars {
            length += UTF8.width(scalar)
            guard length <= Int(UInt16.max) else { break }
            kept.append(scalar)
        }
        return String(kept)
    }
}
