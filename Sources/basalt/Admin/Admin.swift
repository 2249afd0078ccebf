import ArgumentParser
import BasaltAdmin
import BasaltTLS
import Foundation

/// `basalt admin`: nodetool for Basalt. Each subcommand is one call to a node's admin endpoint
/// (docs/admin.md), printed as a table like nodetool's, or as the node's JSON with `--json`.
struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Inspect and operate a running node through its admin endpoint.",
        subcommands: [
            AdminStatus.self, AdminRing.self, AdminInfo.self, AdminDescribeCluster.self, AdminGossipInfo.self,
            AdminFlush.self, AdminCompact.self, AdminSnapshot.self, AdminListSnapshots.self, AdminClearSnapshot.self,
            AdminTableStats.self, AdminCompactionStats.self, AdminNetStats.self, AdminDrain.self, AdminRepair.self,
            AdminRepairHistory.self, AdminDecommission.self, AdminRemoveNode.self,
        ])

    // Declared here too, so that the options may come before the subcommand's name
    // (`basalt admin --host H repair ks`); the subcommand reads the same values.
    @OptionGroup var connection: AdminConnection
}

/// The options every subcommand takes; `basalt admin --host H status` and
/// `basalt admin status --host H` are the same.
struct AdminConnection: ParsableArguments {
    @Option(name: [.customShort("h"), .long], help: "The node's address (its listen address).") var host = "127.0.0.1"
    @Option(name: [.customShort("p"), .long], help: "The node's admin port (admin_port).") var port = AdminClient.defaultPort
    @Flag(help: "Print the node's JSON answer instead of a table.") var json = false
    @Option(name: [.customShort("u"), .long], help: "A superuser's name, for nodes with PasswordAuthenticator (or BASALT_ADMIN_USERNAME).")
    var username: String?
    @Option(help: "Its password (or BASALT_ADMIN_PASSWORD, which keeps it off the command line).") var password: String?
    @OptionGroup(title: "HTTPS (admin_encryption_options)") var tls: TLSFlags

    /// The client these options describe; the environment fills in what the flags leave out.
    func makeClient(timeout: Duration?) throws -> AdminClient {
        let environment = ProcessInfo.processInfo.environment
        let name = username ?? environment["BASALT_ADMIN_USERNAME"].flatMap { $0.isEmpty ? nil : $0 }
        let secret = password ?? environment["BASALT_ADMIN_PASSWORD"]
        if (name == nil) != (secret == nil) {
            throw ValidationError("--username and --password go together (or BASALT_ADMIN_USERNAME and BASALT_ADMIN_PASSWORD)")
        }
        var clientTLS: ClientTLS?
        if tls.isOn {
            let identity = tls.certfile.map { TLSIdentity(certificatePath: $0, privateKeyPath: tls.keyfile ?? $0) }
            clientTLS = try ClientTLS(TLSClientOptions(trustedCAPath: tls.cafile, identity: identity,
                                                    verifiesHostname: !tls.skipsHostnameVerification))
        }
        return AdminClient(host: host, port: port, timeout: timeout,
                           credentials: name.flatMap { name in secret.map { (username: name, password: $0) } }, tls: clientTLS)
    }

    /// Calls the node and prints the answer: its JSON as it came with `--json`, else `render` of
    /// the decoded report. A refusal or an unreachable node is printed to standard error and the
    /// command exits 1.
    func show<Report: Decodable>(_ method: AdminRoute.Method, _ path: String, _ arguments: [(String, String?)] = [],
                                 as type: Report.Type, timeout: Duration? = .seconds(60),
                                 render: (Report) -> String, failed: (Report) -> Bool = { _ in false }) async throws {
        do {
            let client = try makeClient(timeout: timeout)
            let body = try await client.raw(method, path, arguments)
            let report = try AdminJSON.decoder.decode(Report.self, from: Data(body))
            print(json ? String(decoding: body, as: UTF8.self) : render(report))
            if failed(report) { throw ExitCode.failure }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            FileHandle.standardError.write(Data("basalt admin: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}

/// `[keyspace [table]]`, the narrowing most commands take.
struct TableSelection: ParsableArguments {
    @Argument(help: "Only this keyspace.") var keyspace: String?
    @Argument(help: "Only this table of the keyspace.") var table: String?

    var arguments: [(String, String?)] { [("keyspace", keyspace), ("table", table)] }
}

struct AdminStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Every node: state (UN, DN, UJ, UL), address, load, tokens, ownership, host id, rack.")

    @OptionGroup var connection: AdminConnection
    @Argument(help: "Count effective ownership for this keyspace's replication.") var keyspace: String?

    func run() async throws {
        try await connection.show(.get, "/status", [("keyspace", keyspace)], as: StatusReport.self) { $0.text }
    }
}
