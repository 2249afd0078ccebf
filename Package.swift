// swift-tools-version: 6.1
import PackageDescription

// Module map (see README.md "Where to start"):
//   BasaltCore       data model of the storage layer, byte coding, checksums, Murmur3 tokens
//   BasaltFileSystem the FileSystem seam under the commit log, SSTables and manifests (POSIX in production)
//   BasaltTestSupport for tests: SimulatedDisk, an in-memory file system with crashes and disk faults
//   BasaltSimulation for tests: the whole-cluster simulator (virtual clock, seeded scheduler, one network, gossip on it)
//   BasaltCommitLog  segmented write-ahead log with group commit and replay
//   BasaltSSTable    immutable sorted files: lz4 chunks, partition index, bloom filter, statistics
//   BasaltStorage    the LSM engine: memtables, flush, reads that merge sources, compaction
//   BasaltCQL        CQL-lite lexer and parser: statement text to a typed AST
//   BasaltCQLProtocol CQL native protocol v4: frames, messages, CQL types and values (on NIOCore)
//   BasaltQuery      the query layer: schema catalog, value encodings, statement execution, system tables
//   BasaltCoordination pure coordinator logic: consistency requirements, replica choice, response counting, read resolution
//   BasaltReplication the node's cluster runtime: replica handlers, hints, the coordinator (StorageProxy for a cluster)
//   BasaltNIOSupport small SwiftNIO helpers shared by the servers and the client (loop executor, drainable connections)
//   BasaltTLS        TLS for every listener and connection: encryption options, PEM loading, optional (peeked) TLS
//   BasaltServer     the CQL native-protocol server on SwiftNIO (connections, frames, prepared ids, events)
//   BasaltInternode  the node-to-node protocol on TCP: frames, versioned handshake, the messenger transport
//   BasaltCluster    pure cluster logic, no I/O: token ring, replica placement, token allocation, gossip, phi-accrual failure detector
//   BasaltClient     the Swift client library: async/await, token-aware routing, pools, retries, paging
//   BasaltStress     the load generator behind `basalt stress`: workloads, rate, HDR latencies, --verify
//   BasaltFuzzTargets every decoder of network and disk input as a function of bytes (libFuzzer and the corpus tests)
//   basalt-fuzz      the fuzzing executable (`scripts/fuzz`; without libFuzzer it replays inputs and writes seed corpora)
//   BasaltInstruments lock-free latency histograms (atomic buckets) shared by storage and the query layer
//   BasaltMetrics    Prometheus metrics (swift-metrics recorded, swift-prometheus exported), statement statistics, the slow-query log
//   BasaltAdmin      the node's admin endpoint (HTTP/JSON on admin_port), its commands and reports, the client `basalt admin` uses
//   basalt           the executable (`basalt start`, `basalt stress`, `basalt bench storage|internode`, `basalt debug`)
let package = Package(
    name: "Basalt",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "basalt", targets: ["basalt"]),
        .executable(name: "basalt-fuzz", targets: ["basalt-fuzz"]),
        .library(name: "BasaltStorage", targets: ["BasaltStorage"]),
        .library(name: "BasaltClient", targets: ["BasaltClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLZ4",
            pkgConfig: "liblz4",
            providers: [.apt(["liblz4-dev"])]
        ),
        .target(name: "CBasaltSupport"),
        .target(name: "BasaltCore", dependencies: ["CBasaltSupport"]),
        .target(name: "BasaltFileSystem"),
        .target(name: "BasaltCommitLog", dependencies: ["BasaltCore", "BasaltFileSystem", "BasaltInstruments"]),
        .target(name: "BasaltSSTable", dependencies: ["BasaltCore", "BasaltFileSystem", "CLZ4"]),
        .target(name: "BasaltInstruments"),
        .testTarget(name: "BasaltInstrumentsTests", dependencies: ["BasaltInstruments"]),
        .target(name: "BasaltStorage",
                dependencies: ["BasaltCore", "BasaltFileSystem", "BasaltCommitLog", "BasaltSSTable", "BasaltInstruments"]),
        .target(name: "BasaltTestSupport", dependencies: ["BasaltCore", "BasaltFileSystem"]),
        .target(name: "BasaltSimulation", dependencies: ["BasaltCore", "BasaltCluster"]),
        .executableTarget(
            name: "basalt",
            dependencies: [
                "BasaltStorage", "BasaltQuery", "BasaltServer", "BasaltInternode", "BasaltReplication", "BasaltCore",
                "BasaltClient", "BasaltStress", "BasaltAdmin", "BasaltTLS", "BasaltMetrics",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "BasaltCoreTests", dependencies: ["BasaltCore", "BasaltTestSupport"]),
        .testTarget(name: "BasaltCommitLogTests", dependencies: ["BasaltCommitLog", "BasaltTestSupport"]),
        .testTarget(name: "BasaltFileSystemTests", dependencies: ["BasaltFileSystem", "BasaltTestSupport", "BasaltCore"]),
        .testTarget(name: "BasaltSSTableTests", dependencies: ["BasaltSSTable"]),
        .testTarget(name: "BasaltStorageTests", dependencies: ["BasaltStorage", "BasaltTestSupport"]),
        .target(name: "BasaltCQL"),
        .target(name: "BasaltNIOSupport", dependencies: [.product(name: "NIOCore", package: "swift-nio")]),
        .target(
            name: "BasaltTLS",
            dependencies: [.product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl")]
        ),
        .testTarget(
            name: "BasaltTLSTests",
            dependencies: [
                "BasaltTLS", "BasaltTestSupport", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(name: "BasaltCQLTests", dependencies: ["BasaltCQL", "BasaltCore"]),
        .target(
            name: "BasaltCQLProtocol",
            dependencies: [.product(name: "NIOCore", package: "swift-nio"), "CLZ4"]
        ),
        .testTarget(name: "BasaltCQLProtocolTests", dependencies: ["BasaltCQLProtocol", "BasaltCore"]),
        .testTarget(name: "BasaltQueryTests", dependencies: ["BasaltQuery"]),
        .target(
            name: "BasaltQuery",
            dependencies: [
                "BasaltCore", "BasaltStorage", "BasaltCQL", "BasaltCQLProtocol", "BasaltMetrics", "BasaltInstruments",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "BasaltMetrics",
            dependencies: [
                "BasaltInstruments", "BasaltCQLProtocol", "BasaltCore",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .testTarget(name: "BasaltMetricsTests", dependencies: ["BasaltMetrics", "BasaltInstruments"]),
        .target(
            name: "BasaltServer",
            dependencies: [
                "BasaltQuery", "BasaltCQLProtocol", "BasaltStorage", "BasaltNIOSupport", "BasaltTLS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(name: "BasaltCoordination", dependencies: ["BasaltCore", "BasaltCQLProtocol"]),
        .testTarget(name: "BasaltCoordinationTests", dependencies: ["BasaltCoordination", "BasaltCore", "BasaltTestSupport"]),
        .target(
            name: "BasaltReplication",
            dependencies: [
                "BasaltCoordination", "BasaltQuery", "BasaltStorage", "BasaltCore", "BasaltCQLProtocol", "BasaltCluster",
                "BasaltInternode", "BasaltFileSystem", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "BasaltReplicationTests", dependencies: ["BasaltReplication", "BasaltQuery", "BasaltCore", "BasaltCommitLog", "BasaltCluster", "BasaltTestSupport", "BasaltSimulation"]),
        .testTarget(name: "BasaltServerTests", dependencies: ["BasaltServer", "BasaltCore", "BasaltTLS", "BasaltTestSupport"]),
        .target(
            name: "BasaltInternode",
            dependencies: [
                "BasaltCore", "BasaltNIOSupport", "BasaltTLS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "BasaltInternodeTests",
            dependencies: [
                "BasaltInternode", "BasaltCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "BasaltClient",
            dependencies: [
                "BasaltCore", "BasaltCQLProtocol", "BasaltCluster", "BasaltNIOSupport", "BasaltTLS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        .testTarget(
            name: "BasaltClientTests",
            dependencies: [
                "BasaltClient", "BasaltStress", "BasaltCore", "BasaltTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(name: "BasaltCluster", dependencies: ["BasaltCore"]),
        .testTarget(
            name: "BasaltClusterTests",
            dependencies: ["BasaltCluster", "BasaltCore", "BasaltSimulation"],
            exclude: ["generate_placement_vectors.py"]
        ),
        .target(
            name: "BasaltFuzzTargets",
            dependencies: [
                "BasaltCore", "BasaltCommitLog", "BasaltSSTable", "BasaltCQL", "BasaltCQLProtocol", "BasaltInternode",
                "BasaltCluster", "BasaltCoordination", .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(name: "basalt-fuzz", dependencies: ["BasaltFuzzTargets"]),
        .testTarget(name: "BasaltFuzzTargetsTests", dependencies: ["BasaltFuzzTargets"]),
        .target(
            name: "BasaltAdmin",
            dependencies: [
                "BasaltReplication", "BasaltCluster", "BasaltQuery", "BasaltStorage", "BasaltCore", "BasaltTLS", "BasaltMetrics",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "BasaltAdminTests", dependencies: ["BasaltAdmin"]),
        .target(
            name: "BasaltStress",
            dependencies: ["BasaltClient", "BasaltCore", .product(name: "Histogram", package: "hdrhistogram-swift")]
        ),
    ]
)
