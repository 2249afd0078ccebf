import BasaltCQLProtocol

// The CQL value types as properties of `Decodable` rows (`var balance: CQLDecimal`). A Basalt row
// decoder hands them their value directly (they are `CQLDecodable`), so `init(from:)` runs only
// under other decoders, which have no CQL value to give.

/// The error for a CQL value type decoded by a decoder that is not a Basalt row's.
private func notFromARow(_ type: Any.Type, _ decoder: any Decoder) -> DecodingError {
    .typeMismatch(
        type, .init(codingPath: decoder.codingPath, debugDescription: "\(type) decodes only from a Basalt row (Row.decode)"))
}

extension CQLDate: Decodable {
    public init(from decoder: any Decoder) throws { throw notFromARow(Self.self, decoder) }
}

extension CQLTime: Decodable {
    public init(from decoder: any Decoder) throws { throw notFromARow(Self.self, decoder) }
}

extension CQLValue: Decodable {
    public init(from decoder: any Decoder) throws { throw notFromARow(Self.self, decoder) }
}

extension CQLUUID: Decodable {
    public init(from decoder: any Decoder) throws { throw notFromARow(Self.self, decoder) }
}

extension CQLInet: Decodable {
    public init(from decoder: any Decoder) throws { throw notFromARow(Self.self, decoder) }
}

extension CQLDecimal: Decodable {
    public init(from decoder: any Decoder) throws { throw notFromARow(Self.self, decoder) }
}

extension CQLVarint: Decodable {
    public init(from decoder: any Decoder) throws { throw notFromARow(Self.self, decoder) }
}

extension CQLDuration: Decodable {
    public init(from decoder: any Decoder) throws { throw notFromARow(Self.self, decoder) }
}
