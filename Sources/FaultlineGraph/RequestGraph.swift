public import FaultlineModel

/// The request graph of the spec: one node per operation (one per service
/// without operations). A node's calls are its service's direct calls plus the
/// operation's own. A call with `operation:` leads to that operation's node;
/// one without leads to every node of the target, so measures that take a
/// maximum over edges take the target's worst operation.
public struct RequestGraph: Sendable {
    public let nodeCount: Int
    public let nodeService: [ServiceID]
    /// The operation index of each node, or -1 for a service without operations.
    public let nodeOperation: [Int]
    /// The first node of each service; a service's nodes are contiguous.
    public let firstNode: [Int]
    /// Calls of node `n`: `nodeCalls[nodeCallOffsets[n]..<nodeCallOffsets[n + 1]]`.
    public let nodeCallOffsets: [Int]
    public let nodeCalls: [CallID]
    public let graph: Digraph
    public let components: Components

    public init(_ topology: Topology) {
        var nodeService: [ServiceID] = []
        var nodeOperation: [Int] = []
        var firstNode: [Int] = []
        // Services are read in place, never copied: a copy retains every field.
        for id in topology.services.indices {
            firstNode.append(nodeService.count)
            let operationCount = topology.services[id].operations.count
            if operationCount == 0 {
                nodeService.append(id); nodeOperation.append(-1)
            } else {
                for index in 0..<operationCount { nodeService.append(id); nodeOperation.append(index) }
            }
        }
        firstNode.append(nodeService.count)
        let nodeCount = nodeService.count
        var offsets = [0]
        var calls: [CallID] = []
        for node in 0..<nodeCount {
            let service = nodeService[node]
            calls.append(contentsOf: topology.services[service].calls)
            if nodeOperation[node] >= 0 { calls.append(contentsOf: topology.services[service].operations[nodeOperation[node]].calls) }
            offsets.append(calls.count)
        }
        self.nodeCount = nodeCount
        self.nodeService = nodeService
        self.nodeOperation = nodeOperation
        self.firstNode = firstNode
        self.nodeCallOffsets = offsets
        self.nodeCalls = calls
        let targets = { (call: Call) -> Range<Int> in
            if let operation = call.targetOperation { return firstNode[call.target] + operation ..< firstNode[call.target] + operation + 1 }
            return firstNode[call.target] ..< firstNode[call.target + 1]
        }
        graph = Digraph(nodeCount: nodeCount) { node, add in
            for callID in calls[offsets[node]..<offsets[node + 1]] {
                for target in targets(topology.calls[callID]) { add(target) }
            }
        }
        components = graph.stronglyConnectedComponents()
    }

    public func calls(of node: Int) -> ArraySlice<CallID> { nodeCalls[nodeCallOffsets[node]..<nodeCallOffsets[node + 1]] }

    /// Where a node's calls are in `nodeCalls`. Loops over many nodes read
    /// `nodeCalls[slot]` instead of taking `calls(of:)`: making the slice
    /// retains the array, and the graph tables and the rules read it on both
    /// cores at once, so its reference count went back and forth between them.
    @inlinable
    public func callSlots(of node: Int) -> Range<Int> { nodeCallOffsets[node]..<nodeCallOffsets[node + 1] }

    /// The nodes a call may reach: its named operation, or all of the target's.
    public func targetNodes(of call: Call) -> Range<Int> {
        if let operation = call.targetOperation { return firstNode[call.target] + operation ..< firstNode[call.target] + operation + 1 }
        return firstNode[call.target] ..< firstNode[call.target + 1]
    }

    public func nodes(of service: ServiceID) -> Range<Int> { firstNode[service]..<firstNode[service + 1] }

    /// The operation of a node, or nil for a service without operations.
    public func operation(of node: Int) -> Int? { nodeOperation[node] >= 0 ? nodeOperation[node] : nil }
}
