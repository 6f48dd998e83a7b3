public import FaultlineModel

/// The sync graph: services and their synchronous calls, any operation.
/// Parallel calls between the same two services are one edge, labelled
/// with the first such call in file order.
public struct ServiceGraph: Sendable {
    public let graph: Digraph
    /// For edge `e` of `graph`, the first call that makes it.
    public let edgeCall: [CallID]
    public let components: Components
    /// Services that call themselves.
    public let callsItself: [Bool]
    /// Distinct services that call each service, self-calls left out.
    public let callerCount: [Int]

    public init(_ topology: Topology) {
        let serviceCount = topology.services.count
        var callsBySource = Array(repeating: [CallID](), count: serviceCount)
        for (id, call) in topology.calls.enumerated() { callsBySource[call.caller].append(id) }
        var edgeCall: [CallID] = []
        var callsItself = Array(repeating: false, count: serviceCount)
        var callerCount = Array(repeating: 0, count: serviceCount)
        // Marks which targets a source already has an edge to, without clearing between sources.
        var lastSource = Array(repeating: -1, count: serviceCount)
        graph = Digraph(nodeCount: serviceCount) { source, add in
            for callID in callsBySource[source] {
                let target = topology.calls[callID].target
                guard lastSource[target] != source else { continue }
                lastSource[target] = source
                add(target)
                edgeCall.append(callID)
                if target == source { callsItself[source] = true } else { callerCount[target] += 1 }
            }
        }
        self.edgeCall = edgeCall
        self.callsItself = callsItself
        self.callerCount = callerCount
        components = graph.stronglyConnectedComponents()
    }

    /// The first call from `source` to `target`, if any.
    public func call(from source: ServiceID, to target: ServiceID) -> CallID? {
        for edge in graph.edgeRange(of: source) where graph.targets[edge] == target { return edgeCall[edge] }
        return nil
    }
}
