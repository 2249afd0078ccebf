import Foundation
import Synchronization

/// A real `basalt start` process on its own 127.0.0.x address and port with its own data
/// directory, started as `Tests/interop/conftest.py` starts one: it is ready once it prints
/// `basalt: node ready on host:port`. It can be killed with SIGKILL and started again on the same
/// data directory.
final class NodeProcess: Sendable {
    let host: String
    let port: Int
    /// The internode port, also free: two nodes that drew the same address must not both want 7000.
    let storagePort: Int
    let adminPort: Int
    let directory: String
    private let process = Mutex<Process?>(nil)

    /// The `basalt` binary next to this test bundle (SwiftPM builds both into one directory).
    static var binary: String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var candidates = [bundle.appendingPathComponent("basalt").path]
        candidates.append(bundle.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("basalt").path)
        for product in Bundle.allBundles {
            candidates.append(product.bundleURL.deletingLastPathComponent().appendingPathComponent("basalt").path)
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Starts a node on a random loopback address (so parallel tests and other suites on this
    /// machine do not meet) and waits until it serves CQL.
    /// `arguments` are added to `basalt start`'s; `environment` is added to this process's.
    static func start(arguments: [String] = [], environment: [String: String] = [:]) async throws -> NodeProcess {
        let host = "127.0.0.\(Int.random(in: 2...250))"
        let port = try freePort(host: host)
        var storagePort = try freePort(host: host)
        while storagePort == port { storagePort = try freePort(host: host) }
        var adminPort = try freePort(host: host)
        while adminPort == port || adminPort == storagePort { adminPort = try freePort(host: host) }
        let node = NodeProcess(host: host, port: port, storagePort: storagePort, adminPort: adminPort, arguments: arguments,
                               environment: environment)
        try await node.start()
        return node
    }

    private let arguments: [String]
    private let environment: [String: String]

    private init(host: String, port: Int, storagePort: Int, adminPort: Int, arguments: [String], environment: [String: String]) {
        self.arguments = arguments
        self.environment = environment
        self.host = host
        self.port = port
        self.storagePort = storagePort
        self.adminPort = adminPort
        directory = NSTemporaryDirectory() + "basalt-client-test-\(UUID().uuidString.prefix(8))"
    }

    var contactPoint: String { "\(host):\(port)" }

    /// Starts the process (again) on the node's data directory and waits for its ready line.
    func start(timeout: Duration = .seconds(60)) async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            throw Failure(description: "build the basalt executable first (swift build): \(Self.binary)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = [
            "start", "--listen-address", host, "--native-port", "\(port)", "--storage-port", "\(storagePort)",
            "--admin-port", "\(adminPort)",
            // Off: nodes that drew the same address would both want 9180, and these tests scrape nothing.
            "--prometheus-port", "0",
            "--data-dir", directory + "/data",
            "--cluster-name", "client-tests",
        ] + arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let output = Pipe()
        process.standardOutput = output
        // The node's log, kept beside its data so a failure can say why the node stopped.
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let logPath = directory + "/node.log"
        if !FileManager.default.fileExists(atPath: logPath) { FileManager.default.createFile(atPath: logPath, contents: nil) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        defer { try? log.close() }
        log.seekToEndOfFile()
        process.standardError = log
        let seen = Mutex("")
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            seen.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
        self.process.withLock { $0 = process }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if seen.withLock({ $0.contains("node ready") }) {
                output.fileHandleForReading.readabilityHandler = nil
                return
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        output.fileHandleForReading.readabilityHandler = nil
        // The ready line may have come in during the last wait.
        if seen.withLock({ $0.contains("node ready") }), process.isRunning { return }
        let status = process.isRunning ? "still starting after \(timeout)" : "exited with status \(process.terminationStatus)"
        kill()
        let logTail = (try? String(contentsOfFile: logPath, encoding: .utf8))?.split(separator: "\n").suffix(5).joined(separator: "\n") ?? ""
        throw Failure(description: "node on \(contactPoint) not ready (\(status)); output: \(seen.withLock { $0 }); log: \(logTail)")
    }

    /// SIGKILL: no shutdown, no final sync, sockets reset by the kernel.
    func kill() {
        guard let process = process.withLock({ process in defer { process = nil }; return process }) else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Stops the process and deletes its data.
    func remove() {
        kill()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A port nobody listens on at `host` right now (the kernel picks it).
    private static func freePort(host: String) throws -> Int {
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketDescriptor >= 0 else { throw Failure(description: "socket() failed") }
        defer { close(socketDescriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        inet_pton(AF_INET, host, &address.sin_addr)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(socketDescriptor, generic, length) == 0 && getsockname(socketDescriptor, generic, &length) == 0
            }
        }
        guard bound else { throw Failure(description: "cannot bind a port on \(host)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
