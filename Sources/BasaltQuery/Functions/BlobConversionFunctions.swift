import BasaltCQLProtocol

/// `<type>AsBlob(v)` and `blobAs<type>(b)` for every native type: the value's serialized bytes and
/// back. `varchar` keeps its old names beside `text`'s, as in Cassandra.
enum BlobConversionFunctions {
    static let all: [NativeFunction] = {
        var functions: [NativeFunction] = []
        let types: [(String, CQLDataType)] = nativeTypes.map { ($0.description, $0) } + [("varchar", .text)]
        for (typeName, type) in types where type != .blob {
            functions.append(NativeFunction(name: "\(typeName)asblob", argumentTypes: [type], returnType: .blob) { arguments, _ in
                // Arguments arrive already converted to `type`, so serializing cannot fail.
                .blob(((try? arguments[0].serialize(as: type)) ?? nil) ?? [])
            })
            let name = "blobas\(typeName)"
            functions.append(NativeFunction(name: name, argumentTypes: [.blob], returnType: type) { arguments, _ throws(QueryError) in
                guard case .blob(let bytes) = arguments[0] else { return .null }
                do {
                    return try CQLValue.deserialize(bytes: bytes, type: type)
                } catch {
                    throw QueryError(.functionFailure(keyspace: "system", function: name, argumentTypes: ["blob"]),
                                     "In call to function system.\(name), value 0x\(ValueText.hex(bytes)) is not a valid binary "
                                         + "representation for type \(type)")
                }
            })
        }
        return functions
    }()

    /// The native types in Cassandra's order of `CQL3Type.Native`.
    static let nativeTypes: [CQLDataType] = [
        .ascii, .bigint, .blob, .boolean, .counter, .date, .decimal, .double, .duration, .float, .inet, .int,
        .smallint, .text, .time, .timestamp, .timeuuid, .tinyint, .uuid, .varint,
    ]
}
