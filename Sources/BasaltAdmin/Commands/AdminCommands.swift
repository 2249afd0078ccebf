/// The admin command groups a node serves: the extension point of `basalt admin`. A group is one
/// file with `static func routes(_ node: AdminNode) -> [AdminRoute]`, added to the list below;
/// the CLI side is one subcommand in `Sources/basalt/Admin/`.
public enum AdminCommands {
    public static func router(for node: AdminNode) -> AdminRouter {
        let routes = ClusterCommands.routes(node) + StorageCommands.routes(node) + NodeCommands.routes(node)
            + RepairCommands.routes(node) + LifecycleCommands.routes(node)
        return AdminRouter(routes + [index(routes)])
    }

    /// `GET /`: every route with what it does, for an operator poking at the endpoint with curl.
    static func index(_ routes: [AdminRoute]) -> AdminRoute {
        let listing = routes.map { RouteListing.Route(method: $0.method.rawValue, path: $0.path, summary: $0.summary) }
            .sorted { ($0.path, $0.method) < ($1.path, $1.method) }
        return AdminRoute(.get, "/", "this list") { _ in try .json(RouteListing(routes: listing)) }
    }
}

public struct RouteListing: Codable, Hashable, Sendable {
    public struct Route: Codable, Hashable, Sendable {
        public var method: String
        public var path: String
        public var summary: String
    }

    public var routes: [Route]
}
