import BasaltCommitLog
import BasaltServer
import Testing

struct NodeConfigurationTests {
    /// The shipped template must load: scripts start nodes from it.
    @Test func theTemplateLoads() throws {
        let path = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        let configuration = try NodeConfiguration.load(path: "/" + path + "/cluster/basalt.yaml")
        #expect(configuration == NodeConfiguration().with { $0.seeds = ["127.0.0.1"] })
    }

    @Test func fileValuesThenOverrides() throws {
        let yaml = """
            cluster_name: Test Cluster
            listen_address: 127.0.0.2
            native_transport_port: 9142
            data_directory: /tmp/basalt-node2
            commitlog_sync: periodic
            commitlog_sync_period_ms: 50
            memtable_flush_size_mib: 8
            seeds: [127.0.0.1, 127.0.0.2]
            initial_token: "-9223372036854775808"
            storage_port: 7001
            admin_port: 7299
            phi_convict_threshold: 10.5
            hinted_handoff_enabled: false
            write_request_timeout_ms: 500
            stream_throughput_outbound_megabits_per_sec: 0
            ring_delay_ms: 3000
            replace_address_first_boot: 127.0.0.9
            native_transport_max_request_data_in_flight_mib: 64
            """
        let configuration = try NodeConfiguration(
            yaml: yaml, overrides: ["native_transport_port": "9242", "cluster_name": "Flag Cluster", "seeds": "10.0.0.1, 10.0.0.2"])
        #expect(configuration.clusterName == "Flag Cluster")
        #expect(configuration.listenAddress == "127.0.0.2")
        #expect(configuration.nativeTransportPort == 9242)
        #expect(configuration.seeds == ["10.0.0.1", "10.0.0.2"])
        #expect(configuration.storagePort == 7001 && configuration.phiConvictThreshold == 10.5)
        #expect(configuration.adminPort == 7299 && NodeConfiguration().adminPort == 7199)
        #expect(!configuration.hintedHandoffEnabled && configuration.writeRequestTimeoutMilliseconds == 500)
        #expect(configuration.initialToken == "-9223372036854775808")
        #expect(configuration.streamThroughputOutboundMegabitsPerSecond == 0 && configuration.ringDelayMilliseconds == 3000)
        #expect(configuration.replaceAddressFirstBoot == "127.0.0.9")
        #expect(configuration.server.port == 9242)
        #expect(configuration.server.limits.maximumRequestBytesInFlight == 64 << 20)
        #expect(NodeConfiguration().server.limits.maximumRequestBytesInFlight == ConnectionLimits.defaultRequestBytesInFlight)
        #expect(configuration.storage.directory == "/tmp/basalt-node2")
        #expect(configuration.storage.commitLog.syncMode == .periodic(intervalMilliseconds: 50))
        #expect(configuration.storage.memtableFlushBytes == 8 << 20)
    }

    @Test func mistakesAreRefused() {
        #expect(throws: NodeConfigurationError.unknownKey("listen_adress")) {
            try NodeConfiguration(yaml: "listen_adress: 127.0.0.1")
        }
        #expect(throws: NodeConfigurationError.self) { try NodeConfiguration(yaml: "native_transport_port: 70000") }
        #expect(throws: NodeConfigurationError.self) { try NodeConfiguration(yaml: "commitlog_sync: batch") }
        #expect(throws: NodeConfigurationError.self) { try NodeConfiguration(yaml: "- a list") }
        #expect(throws: NodeConfigurationError.self) { try NodeConfiguration(yaml: nil, overrides: ["native_transport_port": "x"]) }
        #expect(throws: NodeConfigurationError.self) { try NodeConfiguration.load(path: "/nonexistent/basalt.yaml") }
        #expect(throws: NodeConfigurationError.self) { try NodeConfiguration(yaml: "authenticator: LDAPAuthenticator") }
        #expect(throws: NodeConfigurationError.self) { try NodeConfiguration(yaml: "authorizer: CassandraAuthorizer") }
        #expect(throws: NodeConfigurationError.self) { try NodeConfiguration(yaml: "auth_password_hash_rounds: 10") }
    }

    /// Cassandra's class names, short or qualified; the password only from the file or the environment.
    @Test(arguments: [
        ("authenticator: PasswordAuthenticator", true, false),
        ("authenticator: org.apache.cassandra.auth.PasswordAuthenticator\nauthorizer: CassandraAuthorizer", true, true),
        ("authenticator: AllowAllAuthenticator\nauthorizer: AllowAllAuthorizer", false, false),
    ])
    func authenticationSettings(_ yaml: String, _ login: Bool, _ permissions: Bool) throws {
        let configuration = try NodeConfiguration(yaml: yaml + "\nauth_superuser_password: pw\nauth_password_hash_rounds: 5000")
        #expect(configuration.requiresLogin == login && configuration.checksPermissions == permissions)
        #expect(configuration.passwordHashRounds == 5000)
        #expect(configuration.superuserPassword == "pw")
    }
}

extension NodeConfiguration {
    func with(_ change: (inout NodeConfiguration) -> Void) -> NodeConfiguration {
        var copy = self
        change(&copy)
        return copy
    }
}
