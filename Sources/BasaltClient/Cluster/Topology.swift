/// An immutable snapshot of the cluster: its hosts, their pools (same order) and the token ring.
/// Requests read the current snapshot without waiting on topology changes, which swap in a new one.
final class Topology: Sendable {
    let hosts: [Host]
    let pools: [HostPool]
    let router: ReplicaRouter
    let dataCenters: [String?]
    let localDataCenter: String?

    init(hosts: [Host], pools: [HostPool], localDataCenter: String?) {
        precondition(hosts.count == pools.count && zip(hosts, pools).allSatisfy { $0.endpoint == $1.endpoint })
        self.hosts = hosts
        self.pools = pools
        self.localDataCenter = localDataCenter
        router = ReplicaRouter(tokens: hosts.map(\.tokens))
        dataCenters = hosts.map(\.dataCenter)
    }

    static let empty = Topology(hosts: [], pools: [], localDataCenter: nil)

    func pool(for endpoint: Endpoint) -> HostPool? {
        pools.first { $0.endpoint == endpoint } ?? pools.first { $0.endpoint.host == endpoint.host }
    }

    /// The pools a request tries, in order (see `QueryPlan`).
    func plan(routingToken: Int64?, rotation: Int) -> [HostPool] {
        let replicas = routingToken.map(router.replicas(for:)) ?? []
        let order = QueryPlan.order(
            replicas: replicas, dataCenters: dataCenters, localDataCenter: localDataCenter,
            isUp: pools.map(\.isUp), rotation: rotation)
        return order.map { pools[$0] }
    }
}
