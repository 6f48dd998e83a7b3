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
        let calls = topology.calls
        // Each source's calls in file order, as one list cut by offsets (a
        // counting sort): an array per service was 50 000 allocations.
        var sourceOffsets = Array(repeating: 0, count: serviceCount + 1)
        for call in calls { sourceOffsets[call.caller + 1] += 1 }
        for source in 0..<serviceCount { sourceOffsets[source + 1] += sourceOffsets[source] }
        var next = sourceOffsets
        var callsBySource = Array(repeating: 0, count: calls.count)
        for (id, call) in calls.enumerated() {
            callsBySource[next[call.caller]] = id
            next[call.caller] += 1
        }
        var edgeCall: [CallID] = []
        var callsItself = Array(repeating: false, count: serviceCount)
        var callerCount = Array(repeating: 0, count: serviceCount)
        // Marks which targets a source already has an edge to, without clearing between sources.
        var lastSource = Array(repeating: -1, count: serviceCount)
        graph = Digraph(nodeCount: serviceCount) { source, add in
            for slot in sourceOffsets[source]..<sourceOffsets[source + 1] {
                let callID = callsBySource[slot]
                let target = calls[callID].target
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
