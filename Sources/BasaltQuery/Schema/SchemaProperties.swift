import BasaltCQL

/// Reads `WITH name = value` properties of CREATE/ALTER KEYSPACE and TABLE into schema values,
/// rejecting what Cassandra rejects with its configuration-error (0x2300) wording.
enum SchemaProperties {
    /// A constant's text (`'x'`, `1`, `1.5`, `true`).
    static func text(_ term: Term, property: String) throws(QueryError) -> String {
        switch term {
        case .string(let s), .integer(let s), .float(let s), .duration(let s), .uuid(let s): return s
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
                let key = try text(entry.key, property: property)
                // Cassandra's parser refuses a repeated key (a data center given twice, say).
                guard out.updateValue(try text(entry.value, property: property), forKey: key) == nil else {
                    throw .syntax("Multiple definition for property \(key)")
                }
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

    /// `WITH a = x AND a = y` is a syntax error in Cassandra.
    static func refuseRepeated(_ properties: [Property]) throws(QueryError) {
        var seen: Set<String> = []
        for property in properties where !seen.insert(property.name).inserted {
            throw .syntax("Multiple definition for property '\(property.name)'")
        }
    }

    /// Cassandra's boolean property values: true/yes/1 and false/no/0, in any case.
    static func boolean(_ term: Term, property: String) throws(QueryError) -> Bool {
        let value = try text(term, property: property)
        switch value.lowercased() {
        case "true", "yes", "1": return true
        case "false", "no", "0": return false
        default:
            throw .syntax("Invalid boolean value \(value) for '\(property)'. Expected values are [true, false, yes, no, 1, 0]")
        }
    }

    // MARK: names

    /// Keyspace and table names as Cassandra 4 allows them (`\w{1,48}`), which also keeps every
    /// table's directory name well inside the file system's limit.
    static func checkName(_ name: String, of kind: String) throws(QueryError) {
        let valid = !name.isEmpty && name.utf8.count <= 48
            && name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0)
                || (0x61...0x7A).contains($0) }
        guard valid else {
            // A name of any length may arrive; the message shows enough of it to recognize.
            let shown = name.count > 100 ? String(name.prefix(100)) + "..." : name
            throw .invalid("\(kind) name must not be empty, more than 48 characters long, "
                           + "or contain non-alphanumeric-underscore characters (got '\(shown)')")
        }
    }

    // MARK: keyspaces

    /// `dataCenters` are the data centers the cluster knows (this node's and its peers'), against
    /// which NetworkTopologyStrategy options are checked and `replication_factor` is expanded.
    static func applyKeyspace(_ properties: [Property], to keyspace: inout KeyspaceSchema, requireReplication: Bool,
                              dataCenters: Set<String>) throws(QueryError) {
        try refuseRepeated(properties)
        var sawReplication = false
        for property in properties {
            switch property.name {
            case "replication":
                keyspace.replication = try replication(try map(property.value, property: "replication"),
                                                       keyspace: keyspace.name, dataCenters: dataCenters)
                sawReplication = true
            case "durable_writes":
                keyspace.durableWrites = try boolean(property.value, property: "durable_writes")
            default:
                throw .syntax("Unknown property '\(property.name)'")
            }
        }
        if requireReplication && !sawReplication { throw .config("Missing mandatory option 'replication'") }
    }

    /// Normalizes the strategy class to its full name and checks its options as Cassandra does.
    static func replication(_ options: [String: String], keyspace: String,
                            dataCenters: Set<String>) throws(QueryError) -> [String: String] {
        guard let rawClass = options["class"] else { throw .config("Missing replication strategy class") }
        var out = options
        switch rawClass {
        case "SimpleStrategy", KeyspaceSchema.simpleStrategy:
            out["class"] = KeyspaceSchema.simpleStrategy
            guard let factor = options["replication_factor"] else {
                throw .config("SimpleStrategy requires a replication_factor strategy option.")
            }
            try checkFactor(factor)
            for key in options.keys.sorted() where key != "class" && key != "replication_factor" {
                throw .config("Unrecognized strategy option {\(key)} passed to SimpleStrategy for keyspace \(keyspace)")
            }
        case "NetworkTopologyStrategy", KeyspaceSchema.networkTopologyStrategy:
            out["class"] = KeyspaceSchema.networkTopologyStrategy
            for (key, value) in options where key != "class" { try checkFactor(value) }
            // A data center the cluster does not know would get replicas nobody holds: every write
            // would then fail with Unavailable. Cassandra 4 refuses it.
            for key in options.keys.sorted() where key != "class" && key != "replication_factor" && !dataCenters.contains(key) {
                throw .config("Unrecognized strategy option {\(key)} passed to NetworkTopologyStrategy for keyspace \(keyspace)")
            }
            // Cassandra 4 expands `replication_factor` to every known data center not given its own.
            if let factor = out.removeValue(forKey: "replication_factor") {
                for dataCenter in dataCenters where out[dataCenter] == nil { out[dataCenter] = factor }
            }
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

    /// Options Cassandra accepts that Basalt keeps at their defaults (shown, not acted on); those
    /// with a range are still checked as Cassandra's `TableParams.validate` checks them.
    private static let acceptedOptions: Set<String> = [
        "extensions", "dclocal_read_repair_chance", "read_repair_chance", "memtable",
    ]

    private static func checkIgnored(_ property: Property, in properties: [Property]) throws(QueryError) {
        let name = property.name
        let value = try text(property.value, property: name)
        func number() throws(QueryError) -> Double {
            guard let number = Double(value) else { throw .config("Invalid value for \(name): \(value)") }
            return number
        }
        func atLeast(_ least: Int) throws(QueryError) {
            if try number() < Double(least) { throw .config("\(name) must be greater than or equal to \(least) (got \(value))") }
        }
        switch name {
        case "cdc": _ = try boolean(property.value, property: name)
        case "crc_check_chance":
            let chance = try number()
            guard chance >= 0 && chance <= 1 else {
                throw .config("crc_check_chance must be larger than or equal to 0 and smaller than or equal to 1.0 (got \(value))")
            }
        case "memtable_flush_period_in_ms": try atLeast(0)
        case "min_index_interval": try atLeast(1)
        case "max_index_interval":
            // The minimum given in the same statement (checked on its own), else its default.
            let given = properties.first { $0.name == "min_index_interval" }.flatMap { try? text($0.value, property: $0.name) }
            let minimum = given.flatMap(Double.init) ?? 128
            if try number() < minimum {
                throw .config("max_index_interval must be greater than or equal to min_index_interval (\(Int(minimum))) "
                              + "(got \(value))")
            }
        case "read_repair":
            guard ["BLOCKING", "NONE"].contains(value.uppercased()) else {
                throw .config("Invalid value '\(value)' for read_repair: only BLOCKING and NONE are allowed")
            }
        default:
            guard acceptedOptions.contains(name) else { throw .syntax("Unknown property '\(name)'") }
        }
    }

    static func applyTable(_ properties: [Property], to options: inout TableSchemaOptions) throws(QueryError) {
        try refuseRepeated(properties)
        for property in properties {
            switch property.name {
            case "comment": options.comment = try text(property.value, property: "comment")
            case "default_time_to_live":
                options.defaultTimeToLive = try int32(property.value, property: "default_time_to_live")
                guard options.defaultTimeToLive <= maximumTimeToLive else {
                    throw .config("default_time_to_live must be less than or equal to \(maximumTimeToLive) "
                                  + "(got \(options.defaultTimeToLive))")
                }
            case "gc_grace_seconds": options.gcGraceSeconds = try int32(property.value, property: "gc_grace_seconds")
            case "bloom_filter_fp_chance":
                let value = try text(property.value, property: property.name)
                guard let chance = Double(value), chance > 0, chance <= 1 else {
                    throw .config("bloom_filter_fp_chance must be larger than 0 and less than or equal to 1.0 (got \(value))")
                }
                options.bloomFilterFpChance = chance
            case "speculative_retry":
                options.speculativeRetry = try SpeculativeRetry.canonical(try text(property.value, property: property.name),
                                                                          option: property.name)
            case "additional_write_policy":
                // Checked as Cassandra does; Basalt has no speculative writes, so it stays at its default.
                _ = try SpeculativeRetry.canonical(try text(property.value, property: property.name), option: property.name)
            case "caching": options.caching = try caching(try map(property.value, property: "caching"))
            case "compaction": options.compaction = try compaction(try map(property.value, property: "compaction"))
            case "compression": options.compression = try compression(try map(property.value, property: "compression"))
            default: try checkIgnored(property, in: properties)
            }
        }
    }

    /// Cassandra's `CachingParams`: `keys` is ALL or NONE (NONE when left out), `rows_per_partition`
    /// ALL, NONE or a count; read back in upper case, both always present.
    static func caching(_ given: [String: String]) throws(QueryError) -> [String: String] {
        var options = given
        let keys = options.removeValue(forKey: "keys")?.uppercased() ?? "NONE"
        guard keys == "ALL" || keys == "NONE" else {
            throw .config("Invalid value '\(given["keys"]!)' for caching sub-option 'keys': only 'ALL' and 'NONE' are allowed")
        }
        let rows = options.removeValue(forKey: "rows_per_partition")?.uppercased() ?? "NONE"
        guard rows == "ALL" || rows == "NONE" || (Int32(rows).map { $0 >= 0 } ?? false) else {
            throw .config("Invalid value '\(given["rows_per_partition"]!)' for caching sub-option 'rows_per_partition': "
                          + "only 'ALL', 'NONE', and integer values are allowed")
        }
        if !options.isEmpty {
            throw .config("Invalid caching sub-options [\(options.keys.sorted().joined(separator: ", "))]: "
                          + "only 'keys' and 'rows_per_partition' are allowed")
        }
        return ["keys": keys, "rows_per_partition": rows]
    }

    /// Cassandra's ceiling for any TTL: 20 years.
    static let maximumTimeToLive: Int32 = 630_720_000

    /// Sub-options every compaction strategy understands, then each strategy's own.
    private static let commonCompactionOptions: Set<String> = [
        "class", "enabled", "min_threshold", "max_threshold", "tombstone_threshold", "tombstone_compaction_interval",
        "unchecked_tombstone_compaction", "only_purge_repaired_tombstones", "log_all", "provide_overlapping_tombstones",
    ]
    private static let sizeTieredOptions: Set<String> = ["min_sstable_size", "bucket_low", "bucket_high"]
    private static let compactionStrategies: [String: Set<String>] = [
        "SizeTieredCompactionStrategy": sizeTieredOptions,
        "LeveledCompactionStrategy": ["sstable_size_in_mb", "fanout_size", "single_sstable_uplevel"],
        "TimeWindowCompactionStrategy": sizeTieredOptions.union([
            "compaction_window_unit", "compaction_window_size", "timestamp_resolution",
            "expired_sstable_check_frequency_seconds", "unsafe_aggressive_sstable_expiration",
        ]),
    ]

    /// The strategy class in its full name; sub-options the strategy does not know are refused.
    static func compaction(_ given: [String: String]) throws(QueryError) -> [String: String] {
        guard let strategy = given["class"] else { throw .config("Missing sub-option 'class' for the 'compaction' option.") }
        guard let (short, own) = compactionStrategies.first(where: { strategy == $0.key || strategy.hasSuffix("." + $0.key) })
        else { throw .config("Unable to find compaction strategy class '\(strategy)'") }
        let unknown = given.keys.filter { !commonCompactionOptions.contains($0) && !own.contains($0) }.sorted()
        if !unknown.isEmpty {
            throw .config("Properties specified [\(unknown.joined(separator: ", "))] are not understood by \(short)")
        }
        try checkCompactionValues(given)
        var out = given
        out["class"] = "org.apache.cassandra.db.compaction." + short
        return out
    }

    /// The values storage acts on, checked as Cassandra's strategies check them (an out-of-range
    /// value would otherwise reach the storage engine's own preconditions).
    private static func checkCompactionValues(_ given: [String: String]) throws(QueryError) {
        func int(_ key: String, _ defaultValue: Int32) throws(QueryError) -> Int32 {
            guard let text = given[key] else { return defaultValue }
            guard let value = Int32(text) else { throw .config("\(text) is not a parsable int (base10) for \(key)") }
            return value
        }
        let minimum = try int("min_threshold", 4), maximum = try int("max_threshold", 32)
        if minimum <= 0 || maximum <= 0 {
            throw .config("Disabling compaction by setting compaction thresholds to 0 has been removed, "
                          + "set the compaction option 'enabled' to false instead.")
        }
        if minimum < 2 { throw .config("Min compaction threshold cannot be less than 2 (got \(minimum))") }
        if minimum > maximum {
            throw .config("Min compaction threshold (got \(minimum)) cannot be greater than max compaction threshold "
                          + "(got \(maximum))")
        }
        for key in ["sstable_size_in_mb", "fanout_size"] {
            let value = try int(key, 1)
            if value < 1 { throw .config("\(key) must be larger than 0, but was \(value)") }
        }
        let window = try int("compaction_window_size", 1)
        if window < 1 { throw .config("\(window) must be greater than 1 for compaction_window_size") }
        if let unit = given["compaction_window_unit"], !["MINUTES", "HOURS", "DAYS"].contains(unit.uppercased()) {
            throw .config("\(unit) is not valid for compaction_window_unit")
        }
        if let enabled = given["enabled"] { _ = try boolean(.string(enabled), property: "enabled") }
    }

    /// Definitions stored before compression maps were normalized kept the map as given, often
    /// without a class; such tables were compressed with LZ4, so that is how they read back.
    static func repairedCompression(_ stored: [String: String]) -> [String: String] {
        guard stored["enabled"]?.lowercased() != "false" else { return stored }
        var given = stored
        if given["class"] == nil && given["sstable_compression"] == nil { given["class"] = "LZ4Compressor" }
        return (try? compression(given)) ?? stored
    }

    private static let compressors = ["LZ4Compressor", "SnappyCompressor", "DeflateCompressor", "ZstdCompressor", "NoopCompressor"]
    private static let compressorOptions: Set<String> = [
        "lz4_compressor_type", "lz4_high_compressor_level", "compression_level",
    ]

    /// Cassandra's `CompressionParams.fromMap`: `{}` or `enabled: false` turn compression off;
    /// otherwise a class is required, and the map is read back (in `system_schema.tables`, DESCRIBE)
    /// with the class's full name and `chunk_length_in_kb`, as Cassandra shows it. Data files are
    /// compressed with LZ4 whatever the class, which only changes their size.
    static func compression(_ given: [String: String]) throws(QueryError) -> [String: String] {
        var options = given
        var enabled = !given.isEmpty
        if let value = options.removeValue(forKey: "enabled") { enabled = try boolean(.string(value), property: "enabled") }
        guard enabled else {
            guard options.isEmpty else {
                throw .config("If the 'enabled' option is set to false no other options must be specified")
            }
            return ["enabled": "false"]
        }
        guard let rawClass = options.removeValue(forKey: "class") ?? options.removeValue(forKey: "sstable_compression") else {
            throw .config("Missing sub-option 'class' for the 'compression' option.")
        }
        guard !rawClass.isEmpty else {
            throw .config("The 'class' option must not be empty. To disable compression use 'enabled' : false")
        }
        let fullClass = rawClass.contains(".") ? rawClass : "org.apache.cassandra.io.compress." + rawClass
        guard compressors.contains(where: { fullClass == "org.apache.cassandra.io.compress." + $0 }) else {
            throw .config("Could not create Compression for type \(fullClass)")
        }
        var out: [String: String] = ["class": fullClass]
        let chunk = options.removeValue(forKey: "chunk_length_in_kb") ?? options.removeValue(forKey: "chunk_length_kb") ?? "16"
        guard let kb = Int(chunk), kb > 0, kb & (kb - 1) == 0, kb <= 1024 else {
            throw .config("chunk_length_in_kb must be a power of 2 between 1 and 1024 (got \(chunk))")
        }
        out["chunk_length_in_kb"] = String(kb)
        if let ratio = options.removeValue(forKey: "min_compress_ratio") {
            guard let value = Double(ratio), value >= 0 else { throw .config("Invalid negative min_compress_ratio") }
            guard value == 0 || value >= 1 else {
                throw .config("min_compress_ratio can either be 0 or greater than or equal to 1")
            }
            if value != 0 { out["min_compress_ratio"] = String(value) }
        }
        for key in options.keys.sorted() {
            guard compressorOptions.contains(key) else { throw .config("Unknown compression options \(key)") }
            out[key] = options[key]
        }
        return out
    }
}
