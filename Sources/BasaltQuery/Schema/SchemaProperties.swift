import BasaltCQL

/// Reads `WITH name = value` properties of CREATE/ALTER KEYSPACE and TABLE into schema values,
/// rejecting what Cassandra rejects with its configuration-error (0x2300) wording.
enum SchemaProperties {
    /// A constant's text (`'x'`, `1`, `1.5`, `true`).
    static func text(_ term: Term, property: String) throws(QueryError) -> String {
        switch term {
        case .string(let s), .integer(let s), .float(let s), .uuid(let s): return s
        case .boolean(let b): return b ? "true" : "false"
        default: throw .syntax("Invalid value for property '\(property)'")
        }
    }

    /// A map of constants as text; `{}` is an empty map.
    static func map(_ term: Term, property: String) throws(QueryError) -> [String: String] {
        switch term {
        case .emptyCollection: return [:]
        case .map(let entries):
            var out: [String: String] = [:]
            for entry in entries {
                out[try text(entry.key, property: property)] = try text(entry.value, property: property)
            }
            return out
        default: throw .syntax("Invalid value for property '\(property)'")
        }
    }

    static func int32(_ term: Term, property: String) throws(QueryError) -> Int32 {
        let value = try text(term, property: property)
        guard let number = Int32(value), number >= 0 else {
            throw .config("Invalid value for \(property): \(value) (must be a non-negative integer)")
        }
        return number
    }

    // MARK: keyspaces

    static func applyKeyspace(_ properties: [Property], to keyspace: inout KeyspaceSchema,
                              requireReplication: Bool) throws(QueryError) {
        var sawReplication = false
        for property in properties {
            switch property.name {
            case "replication":
                keyspace.replication = try replication(try map(property.value, property: "replication"))
                sawReplication = true
            case "durable_writes":
                keyspace.durableWrites = try text(property.value, property: "durable_writes").lowercased() == "true"
            default:
                throw .syntax("Unknown property '\(property.name)'")
            }
        }
        if requireReplication && !sawReplication { throw .config("Missing mandatory option 'replication'") }
    }

    /// Normalizes the strategy class to its full name and checks its options as Cassandra does.
    static func replication(_ options: [String: String]) throws(QueryError) -> [String: String] {
        guard let rawClass = options["class"] else { throw .config("Missing replication strategy class") }
        var out = options
        switch rawClass {
        case "SimpleStrategy", KeyspaceSchema.simpleStrategy:
            out["class"] = KeyspaceSchema.simpleStrategy
            guard let factor = options["replication_factor"] else {
                throw .config("SimpleStrategy requires a replication_factor strategy option.")
            }
            try checkFactor(factor)
            for key in options.keys where key != "class" && key != "replication_factor" {
                throw .config("Unrecognized strategy option {\(key)} passed to SimpleStrategy for keyspace")
            }
        case "NetworkTopologyStrategy", KeyspaceSchema.networkTopologyStrategy:
            out["class"] = KeyspaceSchema.networkTopologyStrategy
            for (key, value) in options where key != "class" { try checkFactor(value) }
        default:
            throw .config("Unable to find replication strategy class '\(rawClass)'")
        }
        return out
    }

    private static func checkFactor(_ factor: String) throws(QueryError) {
        guard let n = Int(factor), n >= 0 else {
            throw .config("Replication factor must be non-negative integer; found \(factor)")
        }
    }

    // MARK: tables

    /// Options Cassandra accepts that Basalt keeps at their defaults (shown, not acted on).
    private static let acceptedOptions: Set<String> = [
        "additional_write_policy", "cdc", "crc_check_chance", "extensions", "max_index_interval",
        "memtable_flush_period_in_ms", "min_index_interval", "read_repair", "dclocal_read_repair_chance",
        "read_repair_chance", "memtable",
    ]

    static func applyTable(_ properties: [Property], to options: inout TableSchemaOptions) throws(QueryError) {
        for property in properties {
            switch property.name {
            case "comment": options.comment = try text(property.value, property: "comment")
            case "default_time_to_live":
                options.defaultTimeToLive = try int32(property.value, property: "default_time_to_live")
            case "gc_grace_seconds": options.gcGraceSeconds = try int32(property.value, property: "gc_grace_seconds")
            case "bloom_filter_fp_chance":
                let value = try text(property.value, property: property.name)
                guard let chance = Double(value), chance > 0, chance <= 1 else {
                    throw .config("bloom_filter_fp_chance must be larger than 0 and less than or equal to 1.0 (got \(value))")
                }
                options.bloomFilterFpChance = chance
            case "speculative_retry": options.speculativeRetry = try text(property.value, property: property.name)
            case "caching": options.caching = try map(property.value, property: "caching")
            case "compaction":
                var compaction = try map(property.value, property: "compaction")
                guard let strategy = compaction["class"] else {
                    throw .config("Missing sub-option 'class' for the 'compaction' option.")
                }
                let known = ["SizeTieredCompactionStrategy", "LeveledCompactionStrategy", "TimeWindowCompactionStrategy"]
                guard let short = known.first(where: { strategy == $0 || strategy.hasSuffix("." + $0) }) else {
                    throw .config("Unable to find compaction strategy class '\(strategy)'")
                }
                compaction["class"] = "org.apache.cassandra.db.compaction." + short
                options.compaction = compaction
            case "compression":
                var compression = try map(property.value, property: "compression")
                if compression["sstable_compression"] != nil || compression.isEmpty {
                    compression = compression.isEmpty ? ["enabled": "false"] : compression
                }
                if let chunk = compression["chunk_length_in_kb"] {
                    guard let kb = Int(chunk), kb > 0, kb & (kb - 1) == 0, kb <= 1024 else {
                        throw .config("chunk_length_in_kb must be a power of 2 between 1 and 1024")
                    }
                }
                options.compression = compression
            default:
                guard acceptedOptions.contains(property.name) else {
                    throw .syntax("Unknown property '\(property.name)'")
                }
            }
        }
    }
}
