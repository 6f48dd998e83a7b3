public import FaultlineModel
import FaultlineYAML

/// Everything the rules read, computed once and shared: the sync graph with
/// its cycles, the request graph with its condensation, the entries, the path
/// tables, and the channels and datastores with their users.
public final class GraphAnalysis: Sendable {
    public let topology: Topology
    public let services: ServiceGraph
    public let requests: RequestGraph
    /// Request-graph nodes where request paths start, in file order.
    public let entries: [Int]
    public let paths: PathTables
    public let externalReach: ExternalReach
    public let worstCaseTimes: WorstCaseTimes
    public let messages: MessageGraph

    public init(_ topology: Topology) {
        self.topology = topology
        // Independent tables are built two at a time: the request graph beside
        // the service and message graphs, then the tables that read it.
        let (first, requests) = inParallel(
            { (ServiceGraph(topology), MessageGraph(topology)) },
            { RequestGraph(topology) })
        (services, messages) = first
        self.requests = requests
        let (paths, reach) = inParallel(
            { PathTables(topology: topology, requests: requests) },
            { (ExternalReach(topology: topology, requests: requests), WorstCaseTimes(topology: topology, requests: requests)) })
        self.paths = paths
        (externalReach, worstCaseTimes) = reach
        entries = GraphAnalysis.entries(topology: topology, services: first.0, requests: requests)
    }

    /// The nearest external service a node reaches through required calls,
    /// and the way there as services, starting at the node's own service.
    public func pathToNearestExternal(from start: Int) -> [ServiceID]? {
        guard externalReach.external[start] != nil else { return nil }
        var path = [requests.nodeService[start]]
        var current = start
        while let step = externalReach.next[current] {
            path.append(requests.nodeService[step.to])
            current = step.to
        }
        return path
    }

    /// Services marked `entrypoint: true`; where none is, every service that
    /// no other service calls synchronously. Each of an entry service's nodes is an entry.
    static func entries(topology: Topology, services: ServiceGraph, requests: RequestGraph) -> [Int] {
        let marked = topology.services.indices.filter { topology.services[$0].entrypoint }
        let entryServices = marked.isEmpty ? topology.services.indices.filter { services.callerCount[$0] == 0 } : marked
        return entryServices.flatMap { requests.nodes(of: $0) }
    }

    public func component(of node: Int) -> Int { requests.components.componentOf[node] }

    /// The longest request path from a node as services in order, walking the
    /// recorded exits and crossing each collapsed cycle by a shortest way
    /// from where the path enters it to where it leaves.
    public func longestPath(from start: Int) -> [ServiceID] {
        walk(from: start, exits: paths.depthExit).services
    }

    /// The path of largest retry amplification from a node, as services, and
    /// the calls whose `max_attempts` multiply along it (cycles count once).
    public func mostAmplifiedPath(from start: Int) -> (services: [ServiceID], calls: [CallID]) {
        walk(from: start, exits: paths.amplificationExit)
    }

    private func walk(from start: Int, exits: [ComponentExit?]) -> (services: [ServiceID], calls: [CallID]) {
        let components = requests.components
        var path = [requests.nodeService[start]]
        var calls: [CallID] = []
        var current = start
        while let exit = exits[components.componentOf[current]] {
            if exit.from != current {
                let component = components.componentOf[current]
                let inside = requests.graph.shortestPath(from: current, to: exit.from) { components.componentOf[$0] == component } ?? [current, exit.from]
                path += inside.dropFirst().map { requests.nodeService[$0] }
            }
            path.append(requests.nodeService[exit.to])
            calls.append(exit.call)
            current = exit.to
        }
        return (path, calls)
    }

    /// The operation name of a request-graph node, or nil.
    public func operationName(of node: Int) -> String? {
        // Not `map` with a closure, which copied the whole `Service` for one name.
        guard let operation = requests.operation(of: node) else { return nil }
        return topology.services[requests.nodeService[node]].operations[operation].name
    }
}

