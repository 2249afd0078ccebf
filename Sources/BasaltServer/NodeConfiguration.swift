import BasaltCommitLog
import BasaltStorage
import BasaltTLS
import Foundation
import Logging
import NIOCore
import Yams

/// A node's settings: `cluster/basalt.yaml` (keys named as in cassandra.yaml where Cassandra has
/// the setting), then command-line flags, which override the file.
///
/// Unknown keys are refused, as Cassandra does: a misspelt setting silently left at its default
/// is worse than a node that does not start.
public struct NodeConfiguration: Sendable, Hashable {
    public enum CommitLogSync: String, Sendable, Hashable {
        /// Acknowledge a write once an fsync covers it (many writers share one fsync).
        case group
        /// Acknowledge at once, fsync every `commitlog_sync_period_ms`.
        case periodic
    }

    public var clusterName = "Basalt Cluster"
    public var listenAddress = "127.0.0.1"
    public var nativeTransportPort = 9042
    public var nativeTransportMaxFrameSizeMiB = 16
    public var nativeTransportLimits = ConnectionLimits()
    public var dataDirectory = "data"
    public var commitLogSync = CommitLogSync.group
    public var commitLogSyncPeriodMilliseconds = 10
    public var memtableFlushSizeMiB = 256
    /// nil: a quarter of the machine's memory.
    public var memtableHeapSpaceMiB: Int?
    public var chunkCacheSizeMiB = 512
    public var compactionThroughputMiBPerSecond = 64
    /// Stored for the token ring (not used by a single node yet).
    public var numTokens = 16
    public var initialToken: String?
    public var dataCenter = "datacenter1"
    public var rack = "rack1"
    /// Stored for cluster membership (not used by a single node yet).
    public var seeds: [String] = []
    /// The internode (gossip, replication) listener on `listen_address` (Cassandra's storage_port).
    public var storagePort = 7000
    /// The admin endpoint (`basalt admin`, docs/admin.md) on `listen_address`; Cassandra's JMX port.
    public var adminPort = 7199
    /// Every this many seconds the node repairs its primary ranges by itself; 0: only when asked.
    public var repairIntervalSeconds = 0
    /// Phi above which the failure detector convicts a peer (Cassandra's default, 8).
    public var phiConvictThreshold = 8.0
    public var hintedHandoffEnabled = true
    /// No hints are kept for a replica down longer than this (Cassandra's default, 3 hours).
    public var maxHintWindowMilliseconds = 10_800_000
    public var writeRequestTimeoutMilliseconds = 2000
    public var readRequestTimeoutMilliseconds = 5000
    public var rangeRequestTimeoutMilliseconds = 10000
    public var logLevel = Logger.Level.info
    /// PasswordAuthenticator: clients log in with a role's name and password.
    public var requiresLogin = false
    /// CassandraAuthorizer: every statement is checked against the role's permissions.
    public var checksPermissions = false
    /// The password of the superuser the first start creates (never stored in clear; ignored once
    /// a role exists). `BASALT_SUPERUSER_PASSWORD` in the environment serves too.
    public var superuserPassword: String?
    /// PBKDF2-SHA256 rounds of new password hashes (Cassandra's `auth_bcrypt_gensalt_log2_rounds`).
    public var passwordHashRounds = 210_000
    /// Outbound streaming pace in megabits per second (Cassandra's key; 0 = unthrottled).
    public var streamThroughputOutboundMegabitsPerSecond = 200
    /// How long a node waits for a seed at its first start, and for the ring to settle after it
    /// announces a topology change before it streams (Cassandra's `cassandra.ring_delay_ms`).
    public var ringDelayMilliseconds = 10_000
    /// `replace_address_first_boot`: the dead node whose tokens this node takes at its first start.
    public var replaceAddressFirstBoot: String?
    /// TLS of the CQL port, of node-to-node traffic and of the admin endpoint (docs/security.md); off by default.
    public var clientEncryption = EncryptionOptions(section: .client)
    public var serverEncryption = EncryptionOptions(section: .server)
    public var adminEncryption = EncryptionOptions(section: .admin)
    /// The Prometheus endpoint (`GET /metrics`) on `listen_address`, ScyllaDB's port; 0: no endpoint
    /// and no request metrics recorded.
    public var prometheusPort = 9180
    /// Statements slower than this are logged and kept in `system_views.slow_queries`; 0: none.
    public var slowQueryLogTimeoutMilliseconds = 100
    /// Normalized statements `system_views.statement_stats` keeps (the least used are evicted); 0: off.
    public var statementStatsCapacity = 5_000

    public init() {}

    /// Parses the YAML text (nil: defaults only), then applies `overrides`, keyed like the file
    /// (`native_transport_port: "9043"`), with the same parsing and checks.
    public init(yaml: String?, overrides: [String: String] = [:]) throws {
        if let yaml {
            let root: Node?
            do {
                root = try Yams.compose(yaml: yaml)
            } catch {
                throw NodeConfigurationError.invalidYAML("\(error)")
            }
            if let root {
                guard let mapping = root.mapping else { throw NodeConfigurationError.invalidYAML("the top level is not a mapping") }
                for (key, value) in mapping {
                    guard let name = key.string else { throw NodeConfigurationError.invalidYAML("a key is not a string") }
                    try set(name, value)
                }
            }
        }
        for (name, text) in overrides.sorted(by: { $0.key < $1.key }) {
            try set(name, Node.scalar(Node.Scalar(text)))
        }
        // As Cassandra: without logins there is no role whose permissions could be checked.
        if checksPermissions && !requiresLogin {
            throw NodeConfigurationError.invalidValue(
                key: "authorizer", expected: "AllowAllAuthorizer, since CassandraAuthorizer needs authenticator: PasswordAuthenticator")
        }
    }

    /// Reads the file at `path` (nil: defaults), then applies `overrides`.
    public static func load(path: String?, overrides: [String: String] = [:]) throws -> NodeConfiguration {
        guard let path else { return try NodeConfiguration(yaml: nil, overrides: overrides) }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw NodeConfigurationError.unreadable(path: path, reason: "\(error)")
        }
        return try NodeConfiguration(yaml: text, overrides: overrides)
    }

    private mutating func set(_ key: String, _ value: Node) throws {
        switch key {
        case "cluster_name": clusterName = try Self.string(key, value)
        case "listen_address": listenAddress = try Self.string(key, value)
        case "native_transport_port": nativeTransportPort = try Self.int(key, value, in: 0...65535)
        case "native_transport_max_frame_size_mib": nativeTransportMaxFrameSizeMiB = try Self.int(key, value, in: 1...256)
        case "native_transport_max_concurrent_connections":
            nativeTransportLimits.maximumConnections = try Self.int(key, value, in: 1...1 << 20)
        case "native_transport_max_concurrent_connections_per_ip":
            nativeTransportLimits.maximumConnectionsPerAddress = try Self.int(key, value, in: 1...1 << 20)
        case "native_transport_max_requests_per_connection":
            nativeTransportLimits.maximumRequestsPerConnection = try Self.int(key, value, in: 1...32768)
        case "native_transport_max_request_data_in_flight_mib":
            nativeTransportLimits.maximumRequestBytesInFlight = try Self.int(key, value, in: 1...1 << 24) << 20
        case "native_transport_max_partial_frame_size_mib":
            nativeTransportLimits.maximumPartialFrameBytes = try Self.int(key, value, in: 1...65536) << 20
        case "data_directory": dataDirectory = try Self.string(key, value)
        case "commitlog_sync":
            guard let mode = CommitLogSync(rawValue: try Self.string(key, value)) else {
                throw NodeConfigurationError.invalidValue(key: key, expected: "group or periodic")
            }
            commitLogSync = mode
        case "commitlog_sync_period_ms": commitLogSyncPeriodMilliseconds = try Self.int(key, value, in: 1...60_000)
        case "memtable_flush_size_mib": memtableFlushSizeMiB = try Self.int(key, value, in: 1...65536)
        case "memtable_heap_space_mib": memtableHeapSpaceMiB = value.null != nil ? nil : try Self.int(key, value, in: 1...1 << 24)
        case "chunk_cache_size_mib": chunkCacheSizeMiB = try Self.int(key, value, in: 0...1 << 20)
        case "compaction_throughput_mib_per_sec": compactionThroughputMiBPerSecond = try Self.int(key, value, in: 0...65536)
        case "num_tokens": numTokens = try Self.int(key, value, in: 1...1536)
        case "initial_token": initialToken = value.null != nil ? nil : try Self.string(key, value)
        case "data_center": dataCenter = try Self.string(key, value)
        case "rack": rack = try Self.string(key, value)
        case "seeds":
            // A YAML list, or (from a flag) one comma-separated string.
            if let list = value.sequence {
                seeds = try list.map { try Self.string(key, $0) }
            } else if value.null != nil {
                seeds = []
            } else {
                seeds = try Self.string(key, value).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            }
        case "storage_port": storagePort = try Self.int(key, value, in: 0...65535)
        case "admin_port": adminPort = try Self.int(key, value, in: 0...65535)
        case "repair_interval_seconds": repairIntervalSeconds = try Self.int(key, value, in: 0...Int(Int32.max))
        case "phi_convict_threshold":
            guard let number = value.float, (1...16).contains(number) else {
                throw NodeConfigurationError.invalidValue(key: key, expected: "a number in 1...16")
            }
            phiConvictThreshold = number
        case "hinted_handoff_enabled":
            guard let flag = value.bool else { throw NodeConfigurationError.invalidValue(key: key, expected: "true or false") }
            hintedHandoffEnabled = flag
        case "max_hint_window_ms": maxHintWindowMilliseconds = try Self.int(key, value, in: 0...Int(Int32.max))
        case "write_request_timeout_ms": writeRequestTimeoutMilliseconds = try Self.int(key, value, in: 10...600_000)
        case "read_request_timeout_ms": readRequestTimeoutMilliseconds = try Self.int(key, value, in: 10...600_000)
        case "range_request_timeout_ms": rangeRequestTimeoutMilliseconds = try Self.int(key, value, in: 10...600_000)
        case "authenticator":
            switch try Self.string(key, value) {
            case "AllowAllAuthenticator", "org.apache.cassandra.auth.AllowAllAuthenticator": requiresLogin = false
            case "PasswordAuthenticator", "org.apache.cassandra.auth.PasswordAuthenticator": requiresLogin = true
            default: throw NodeConfigurationError.invalidValue(key: key, expected: "AllowAllAuthenticator or PasswordAuthenticator")
            }
        case "authorizer":
            switch try Self.string(key, value) {
            case "AllowAllAuthorizer", "org.apache.cassandra.auth.AllowAllAuthorizer": checksPermissions = false
            case "CassandraAuthorizer", "org.apache.cassandra.auth.CassandraAuthorizer": checksPermissions = true
            default: throw NodeConfigurationError.invalidValue(key: key, expected: "AllowAllAuthorizer or CassandraAuthorizer")
            }
        case "auth_password_hash_rounds": passwordHashRounds = try Self.int(key, value, in: 1000...10_000_000)
        case "auth_superuser_password":
            superuserPassword = value.null != nil ? nil : try Self.string(key, value)
        case "stream_throughput_outbound_megabits_per_sec":
            streamThroughputOutboundMegabitsPerSecond = try Self.int(key, value, in: 0...1_000_000)
        case "prometheus_port": prometheusPort = try Self.int(key, value, in: 0...65535)
        case "slow_query_log_timeout_ms": slowQueryLogTimeoutMilliseconds = try Self.int(key, value, in: 0...Int(Int32.max))
        case "statement_stats_capacity": statementStatsCapacity = try Self.int(key, value, in: 0...1_000_000)
        case "ring_delay_ms": ringDelayMilliseconds = try Self.int(key, value, in: 0...600_000)
        case "replace_address_first_boot":
            replaceAddressFirstBoot = value.null != nil ? nil : try Self.string(key, value)
        case EncryptionOptions.Section.client.rawValue: clientEncryption = try EncryptionOptions(section: .client, yaml: value)
        case EncryptionOptions.Section.server.rawValue: serverEncryption = try EncryptionOptions(section: .server, yaml: value)
        case EncryptionOptions.Section.admin.rawValue: adminEncryption = try EncryptionOptions(section: .admin, yaml: value)
        case "log_level":
            guard let level = Logger.Level(rawValue: try Self.string(key, value).lowercased()) else {
                throw NodeConfigurationError.invalidValue(
                    key: key, expected: Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))
            }
            logLevel = level
        default:
            throw NodeConfigurationError.unknownKey(key)
        }
    }

    private static func string(_ key: String, _ value: Node) throws -> String {
        guard let scalar = value.scalar, value.null == nil else {
            throw NodeConfigurationError.invalidValue(key: key, expected: "a string")
        }
        return scalar.string
    }

    private static func int(_ key: String, _ value: Node, in range: ClosedRange<Int>) throws -> Int {
        guard let number = value.int, range.contains(number) else {
            throw NodeConfigurationError.invalidValue(key: key, expected: "an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    // MARK: what the parts of the node are given

    public var server: ServerConfiguration {
        ServerConfiguration(
            host: listenAddress, port: nativeTransportPort, maximumFrameBodyBytes: nativeTransportMaxFrameSizeMiB << 20,
            limits: nativeTransportLimits)
    }

    public var storage: StorageConfiguration {
        let sync: CommitLogSyncMode =
            switch commitLogSync {
            // No window: on this class of disk the fsync itself gathers the group (CommitLogSyncMode).
            case .group: .group(windowMicroseconds: 0)
            case .periodic: .periodic(intervalMilliseconds: commitLogSyncPeriodMilliseconds)
            }
        return StorageConfiguration(
            directory: dataDirectory, commitLog: CommitLogConfiguration(syncMode: sync),
            memtableFlushBytes: memtableFlushSizeMiB << 20,
            memtableSpaceBytes: memtableHeapSpaceMiB.map { $0 << 20 } ?? StorageConfiguration.defaultMemtableSpaceBytes,
            blockCacheBytes: chunkCacheSizeMiB << 20,
            compactionThroughputBytesPerSecond: compactionThroughputMiBPerSecond << 20)
    }
}

public enum NodeConfigurationError: Error, Hashable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case invalidYAML(String)
    case unknownKey(String)
    case invalidValue(key: String, expected: String)
    /// A file of an encryption section cannot be used (read at start, see `loadTLS`).
    case tls(section: String, TLSConfigurationError)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read configuration \(path): \(reason)"
        case .invalidYAML(let reason): "invalid configuration YAML: \(reason)"
        case .unknownKey(let key): "unknown configuration key \(key)"
        case .invalidValue(let key, let expected): "invalid value for \(key): expected \(expected)"
        case .tls(let section, let error): "\(section): \(error)"
        }
    }
}
