public import FaultlineModel
import FaultlineYAML
import Synchronization
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

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
    /// Service and operation names as bytes, for messages.
    public let names: NameBytes

    public init(_ topology: Topology) {
        self.topology = topology
        let tables = GraphTables(topology)
        _ = concurrentMap(2) { _ in tables.build() }
        let built = tables.results
        names = built.names
        services = built.services
        messages = built.messages
        requests = built.requests
        paths = built.paths
        externalReach = built.externalReach
        worstCaseTimes = built.worstCaseTimes
        entries = GraphAnalysis.entries(topology: topology, services: built.services, requests: built.requests)
    }

    deinit { names.deallocate() }

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

/// The analysis's tables, built by whichever core is free: each takes the
/// first table not yet taken whose inputs are ready, the request graph
/// first (the path tables, the external reach and the worst cases read it).
/// Built two at a time in fixed pairs, one core waited for the other twice,
/// 5–10 ms at 50 000 services; now the request graph and then the path
/// tables, the longest chain, run on one core while the other does the rest.
private final class GraphTables: Sendable {
    enum Table: CaseIterable { case requests, services, messages, paths, externalReach, worstCaseTimes, names }

    struct Built {
        var services: ServiceGraph
        var messages: MessageGraph
        var requests: RequestGraph
        var paths: PathTables
        var externalReach: ExternalReach
        var worstCaseTimes: WorstCaseTimes
        var names: NameBytes
    }

    private struct State {
        var taken: Set<Table> = []
        var services: ServiceGraph?
        var messages: MessageGraph?
        var requests: RequestGraph?
        var paths: PathTables?
        var externalReach: ExternalReach?
        var worstCaseTimes: WorstCaseTimes?
        var names: NameBytes?
    }

    private let topology: Topology
    private let state = Mutex(State())

    init(_ topology: Topology) { self.topology = topology }

    private enum Step {
        case build(Table, RequestGraph?)
        /// What is left needs the request graph, which the other core is building.
        case wait
        case done
    }

    /// Builds tables until none is left to take.
    func build() {
        while true {
            let step: Step = state.withLock { state in
                for table in Table.allCases where !state.taken.contains(table) {
                    let needsRequests = table == .paths || table == .externalReach || table == .worstCaseTimes
                    if needsRequests, state.requests == nil { continue }
                    state.taken.insert(table)
                    return .build(table, state.requests)
                }
                return state.taken.count == Table.allCases.count ? .done : .wait
            }
            switch step {
            case .done:
                return
            case .wait:
                // The request graph is being built (it is always taken first): a few milliseconds.
                usleep(100)
            case .build(let table, let requests):
                make(table, requests)
            }
        }
    }

    private func make(_ table: Table, _ requests: RequestGraph?) {
        let topology = topology
        switch table {
        case .requests:
            let built = RequestGraph(topology)
            state.withLock { $0.requests = built }
        case .services:
            let built = ServiceGraph(topology)
            state.withLock { $0.services = built }
        case .messages:
            let built = MessageGraph(topology)
            state.withLock { $0.messages = built }
        case .paths:
            guard let requests else { return }
            let built = PathTables(topology: topology, requests: requests)
            state.withLock { $0.paths = built }
        case .externalReach:
            guard let requests else { return }
            let built = ExternalReach(topology: topology, requests: requests)
            state.withLock { $0.externalReach = built }
        case .worstCaseTimes:
            guard let requests else { return }
            let built = WorstCaseTimes(topology: topology, requests: requests)
            state.withLock { $0.worstCaseTimes = built }
        case .names:
            let built = NameBytes(topology)
            state.withLock { $0.names = built }
        }
    }

    /// Every table, once `build` has returned on every core.
    var results: Built {
        state.withLock { state in
            guard let services = state.services, let messages = state.messages, let requests = state.requests,
                  let paths = state.paths, let externalReach = state.externalReach, let worstCaseTimes = state.worstCaseTimes,
                  let names = state.names else {
                preconditionFailure("a graph table was not built")
            }
            return Built(services: services, messages: messages, requests: requests, paths: paths,
                         externalReach: externalReach, worstCaseTimes: worstCaseTimes, names: names)
        }
    }
}
