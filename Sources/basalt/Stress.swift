import ArgumentParser
import BasaltClient
import BasaltCQLProtocol
import BasaltStress
import Foundation

/// `basalt stress write|read|mixed`: load through the token-aware client, a progress line every
/// second, a summary, and with `--json` one JSON object as the last line. `--verify` reads every
/// acknowledged write back and exits 1 if one is missing or wrong.
struct Stress: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load a cluster through the client library and report throughput and latency.",
        discussion: """
            Creates its keyspace (SimpleStrategy) and table (pk bigint, ck int, v blob) if missing. \
            Examples:
              basalt stress write --n 1000000 --concurrency 256 --json
              basalt stress write --n 200000 --cl QUORUM --verify --hosts 127.0.0.1,127.0.0.2,127.0.0.3
              basalt stress mixed --duration 30 --rate 20000 --read-ratio 0.9
            """)

    @Argument(help: "write | read | mixed") var mode: StressConfiguration.Mode
    @Option(help: "Comma-separated contact points, host or host:port.") var hosts = "127.0.0.1"
    @Option(help: "Native protocol port of hosts given without one.") var port = 9042
    @Option(name: .customLong("n"), help: "Operations to run.") var operations: Int?
    @Option(help: "Seconds to run (instead of --n).") var duration: Double?
    @Option(help: "Operations per second in total (default: as fast as it goes).") var rate: Double?
    @Option(help: "Requests in flight at once.") var concurrency = 64
    @Option(name: .customLong("cl"), help: "Consistency level (ONE, QUORUM, ALL, LOCAL_ONE, ...).") var consistency = "ONE"
    @Option(name: .customLong("replication-factor"), help: "Replication factor of a keyspace created by this run.")
    var replicationFactor = 1
    @Flag(help: "Read every acknowledged write back at the end and check its value.") var verify = false
    @Flag(help: "Print one JSON object as the last line.") var json = false
    @Option(help: "Partitions the rows are spread over.") var partitions = 1_000_000
    @Option(name: .customLong("rows-per-partition")) var rowsPerPartition = 1
    @Option(name: .customLong("value-size"), help: "Bytes in each row's value.") var valueSize = 100
    @Option(help: "Row choice: uniform | sequential | gaussian.") var distribution = StressConfiguration.Distribution.uniform
    @Option(name: .customLong("read-ratio"), help: "Share of reads in mixed (0...1).") var readRatio = 0.5
    @Option var keyspace = "basalt_stress"
    @Option var table = "standard"
    @Option(help: "Frame compression: lz4.") var compression: String?
    @Option(name: .customLong("connections-per-host")) var connectionsPerHost = 2
    @Option(name: .customLong("event-loops"), help: "Client event-loop threads (default: one per core).") var eventLoops: Int?
    @Option(name: .customLong("timeout"), help: "Request timeout in seconds.") var timeoutSeconds = 12.0
    @Option(help: "Seed of the row order and the values.") var seed: UInt64 = 1
    @Option(help: "Role to log in as (nodes with PasswordAuthenticator).") var username: String?
    @Option(help: "Password of --username.") var password: String?
    @OptionGroup(title: "TLS (client_encryption_options)") var tls: TLSFlags

    func validate() throws {
        guard CQLConsistency(name: consistency) != nil else { throw ValidationError("unknown consistency level \(consistency)") }
        if let compression, CQLCompression(rawValue: compression.lowercased()) == nil {
            throw ValidationError("unknown compression \(compression) (only lz4)")
        }
        if let problem = stressConfiguration.problem { throw ValidationError(problem) }
    }

    var stressConfiguration: StressConfiguration {
        var configuration = StressConfiguration()
        configuration.mode = mode
        configuration.hosts = hosts.split(separator: ",").map { String($0.trimmingCharacters(in: .whitespaces)) }
        configuration.operations = operations
        configuration.duration = duration.map { .seconds($0) }
        configuration.rate = rate
        configuration.concurrency = concurrency
        configuration.consistency = CQLConsistency(name: consistency) ?? .one
        configuration.replicationFactor = replicationFactor
        configuration.verify = verify
        configuration.partitions = partitions
        configuration.rowsPerPartition = rowsPerPartition
        configuration.valueSize = valueSize
        configuration.distribution = distribution
        configuration.readRatio = readRatio
        configuration.keyspace = keyspace
        configuration.table = table
        configuration.seed = seed
        configuration.client.port = port
        configuration.client.connectionsPerHost = connectionsPerHost
        configuration.client.compression = compression.flatMap { CQLCompression(rawValue: $0.lowercased()) }
        configuration.client.requestTimeout = .seconds(timeoutSeconds)
        if let eventLoops { configuration.client.eventLoopThreads = eventLoops }
        if let username {
            configuration.client.credentials = .init(username: username, password: password ?? "")
        }
        configuration.client.logger.logLevel = .warning
        return configuration
    }

    func run() async throws {
        var configuration = stressConfiguration
        if tls.isOn {
            configuration.client.tls = try BasaltClient.Configuration.TLS(
                trustedCAFile: tls.cafile, certificateFile: tls.certfile, privateKeyFile: tls.keyfile,
                verifiesHostname: !tls.skipsHostnameVerification)
        }
        print("command: basalt " + CommandLine.arguments.dropFirst().joined(separator: " "))
        let runner = StressRunner(configuration: configuration) { line in
            print(line)
            fflush(nil)  // all streams: `stdout` itself is not concurrency-safe to name
        }
        let result = try await runner.run()
        for line in result.summary(configuration) { print(line) }
        if json { print(result.json(configuration)) }
        if let verification = result.verification, verification.missing > 0 || verification.unexpected > 0 {
            throw ExitCode(1)
        }
    }
}

extension StressConfiguration.Mode: ExpressibleByArgument {}
extension StressConfiguration.Distribution: ExpressibleByArgument {}
