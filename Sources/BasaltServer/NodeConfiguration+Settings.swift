extension NodeConfiguration {
    /// Every setting by its key in `cluster/basalt.yaml`, with its value in force, as
    /// `system_views.settings` lists them. The superuser password is never shown.
    public var settings: [(name: String, value: String)] {
        let sync = switch commitLogSync {
        case .group: "group"
        case .periodic: "periodic"
        }
        let pairs: [(String, String)] = [
            ("admin_port", "\(adminPort)"),
            ("auth_password_hash_rounds", "\(passwordHashRounds)"),
            ("authenticator", requiresLogin ? "PasswordAuthenticator" : "AllowAllAuthenticator"),
            ("authorizer", checksPermissions ? "CassandraAuthorizer" : "AllowAllAuthorizer"),
            ("chunk_cache_size_mib", "\(chunkCacheSizeMiB)"),
            ("cluster_name", clusterName),
            ("commitlog_sync", sync),
            ("commitlog_sync_period_ms", "\(commitLogSyncPeriodMilliseconds)"),
            ("compaction_throughput_mib_per_sec", "\(compactionThroughputMiBPerSecond)"),
            ("data_center", dataCenter),
            ("data_directory", dataDirectory),
            ("hinted_handoff_enabled", "\(hintedHandoffEnabled)"),
            ("initial_token", initialToken ?? ""),
            ("listen_address", listenAddress),
            ("log_level", logLevel.rawValue),
            ("max_hint_window_ms", "\(maxHintWindowMilliseconds)"),
            ("memtable_flush_size_mib", "\(memtableFlushSizeMiB)"),
            ("native_transport_max_concurrent_connections", "\(nativeTransportLimits.maximumConnections)"),
            ("native_transport_max_concurrent_connections_per_ip", "\(nativeTransportLimits.maximumConnectionsPerAddress)"),
            ("native_transport_max_frame_size_mib", "\(nativeTransportMaxFrameSizeMiB)"),
            ("native_transport_max_partial_frame_size_mib", "\(nativeTransportLimits.maximumPartialFrameBytes >> 20)"),
            ("native_transport_max_requests_per_connection", "\(nativeTransportLimits.maximumRequestsPerConnection)"),
            ("native_transport_port", "\(nativeTransportPort)"),
            ("num_tokens", "\(numTokens)"),
            ("phi_convict_threshold", "\(phiConvictThreshold)"),
            ("prometheus_port", "\(prometheusPort)"),
            ("rack", rack),
            ("range_request_timeout_ms", "\(rangeRequestTimeoutMilliseconds)"),
            ("read_request_timeout_ms", "\(readRequestTimeoutMilliseconds)"),
            ("repair_interval_seconds", "\(repairIntervalSeconds)"),
            ("replace_address_first_boot", replaceAddressFirstBoot ?? ""),
            ("ring_delay_ms", "\(ringDelayMilliseconds)"),
            ("seeds", seeds.joined(separator: ",")),
            ("slow_query_log_timeout_ms", "\(slowQueryLogTimeoutMilliseconds)"),
            ("statement_stats_capacity", "\(statementStatsCapacity)"),
            ("storage_port", "\(storagePort)"),
            ("stream_throughput_outbound_megabits_per_sec", "\(streamThroughputOutboundMegabitsPerSecond)"),
            ("write_request_timeout_ms", "\(writeRequestTimeoutMilliseconds)"),
        ]
        return pairs.map { (name: $0.0, value: $0.1) }
    }
}
