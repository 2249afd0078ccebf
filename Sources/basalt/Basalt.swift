import ArgumentParser

/// `basalt`: the one binary: `start` runs a node, `admin` operates one, `stress` loads a cluster through the client
/// library, `bench` measures, `debug` holds test tools.
@main
struct Basalt: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "basalt",
        abstract: "Basalt, a distributed wide-column store.",
        subcommands: [Start.self, Admin.self, Stress.self, Bench.self, Debug.self])
}

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks that print a figure and the command that produced it.",
        subcommands: [StorageBench.self, QueryBench.self, InternodeBench.self])
}

/// Tools for tests; not part of the user-facing surface.
struct Debug: ParsableCommand {
    static let configuration = CommandConfiguration(
        shouldDisplay: false,
        subcommands: [CrashWriter.self, NullServer.self])
}
