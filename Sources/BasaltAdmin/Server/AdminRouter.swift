/// The table of admin routes and the one dispatch over it: the matching route's answer, or a
/// refusal as `AdminErrorReport` JSON. Handlers throw `AdminError` for refusals they mean; any
/// other error is a failure of the command (500), and the endpoint keeps serving.
public struct AdminRouter: Sendable {
    private let routes: [String: [AdminRoute.Method: AdminRoute]]

    public init(_ routes: [AdminRoute]) {
        var table: [String: [AdminRoute.Method: AdminRoute]] = [:]
        for route in routes {
            // Two groups claiming one path is a programming error, found by the first test that starts a node.
            precondition(table[route.path]?[route.method] == nil, "two admin routes for \(route.method) \(route.path)")
            table[route.path, default: [:]][route.method] = route
        }
        self.routes = table
    }

    /// Every route, sorted by path (`GET /` lists them).
    public var all: [AdminRoute] {
        routes.values.flatMap(\.values).sorted { ($0.path, $0.method.rawValue) < ($1.path, $1.method.rawValue) }
    }

    public func respond(to request: AdminRequest) async -> AdminResponse {
        do {
            guard let byMethod = routes[request.path] else {
                throw AdminError.notFound("no admin command at \(request.path)")
            }
            guard let method = AdminRoute.Method(rawValue: request.method), let route = byMethod[method] else {
                throw AdminError.wrongMethod(path: request.path,
                                             allowed: byMethod.keys.map(\.rawValue).sorted().joined(separator: " or "))
            }
            return try await route.handler(request)
        } catch let refusal as AdminError {
            return Self.refusal(refusal.status, refusal.description)
        } catch {
            return Self.refusal(500, "\(error)")
        }
    }

    static func refusal(_ status: Int, _ message: String) -> AdminResponse {
        let body = (try? AdminJSON.encoder.encode(AdminErrorReport(error: message))).map(Array.init) ?? Array(message.utf8)
        return AdminResponse(status: status, body: body)
    }
}
