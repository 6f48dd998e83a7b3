public import FaultlineModel

/// For every request-graph node, the nearest external service it reaches
/// through calls that are all not `optional`: fewest hops, then the external
/// service declared first. One breadth-first search backwards from every
/// external service at once, so O(nodes + edges) for all entries together.
public struct ExternalReach: Sendable {
    /// Hops to the nearest external service; nil when none is reachable.
    public let distance: [Int?]
    /// The external service reached, per node.
    public let external: [ServiceID?]
    /// The first step towards it.
    public let next: [ComponentExit?]

    public init(topology: Topology, requests: RequestGraph) {
        let nodeCount = requests.nodeCount
        // Reverse edges over required calls: who reaches node v, and by which call.
        var incomingCount = Array(repeating: 0, count: nodeCount + 1)
        for node in 0..<nodeCount {
            for slot in requests.callSlots(of: node) {
                let callID = requests.nodeCalls[slot]
                guard !topology.calls[callID].optional else { continue }
                for target in requests.targetNodes(of: topology.calls[callID]) { incomingCount[target + 1] += 1 }
            }
        }
        for index in 0..<nodeCount { incomingCount[index + 1] += incomingCount[index] }
        var fill = incomingCount
        var sources = Array(repeating: 0, count: incomingCount[nodeCount])
        for node in 0..<nodeCount {
            for slot in requests.callSlots(of: node) {
                let callID = requests.nodeCalls[slot]
                guard !topology.calls[callID].optional else { continue }
                for target in requests.targetNodes(of: topology.calls[callID]) {
                    sources[fill[target]] = node
                    fill[target] += 1
                }
            }
        }

        var distance = Array(repeating: Int?.none, count: nodeCount)
        var order: [Int] = []
        for node in 0..<nodeCount where topology.services[requests.nodeService[node]].external {
            distance[node] = 0
            order.append(node)
        }
        var head = 0
        while head < order.count {
            let node = order[head]
            head += 1
            let next = (distance[node] ?? 0) + 1
            for source in sources[incomingCount[node]..<incomingCount[node + 1]] where distance[source] == nil {
                distance[source] = next
                order.append(source)
            }
        }

        // In order of distance, pick the step whose external was declared first.
        var external = Array(repeating: ServiceID?.none, count: nodeCount)
        var nextStep = Array(repeating: ComponentExit?.none, count: nodeCount)
        for node in order {
            guard let hops = distance[node] else { continue }
            if hops == 0 { external[node] = requests.nodeService[node]; continue }
            for slot in requests.callSlots(of: node) {
                let callID = requests.nodeCalls[slot]
                guard !topology.calls[callID].optional else { continue }
                for target in requests.targetNodes(of: topology.calls[callID]) where distance[target] == hops - 1 {
                    guard let reached = external[target] else { continue }
                    if external[node].map({ reached < $0 }) ?? true {
                        external[node] = reached
                        nextStep[node] = ComponentExit(from: node, call: callID, to: target)
                    }
                }
            }
        }
        self.distance = distance
        self.external = external
        self.next = nextStep
    }
}

/// The worst-case time of one request to each operation: its sequential
/// calls' worst cases (times `per_request`) added up, plus the largest among
/// its `parallel: true` calls. Not recursive: a call's timeout bounds what its
/// caller waits. Calls without a timeout are left out.
public struct WorstCaseTimes: Sendable {
    public let perNode: [Duration]
    /// Each call's own worst case (`Call.worstCase`), computed once: rules
    /// that explain times read it for every call of every slow operation.
    public let perCall: [Duration?]

    public init(topology: Topology, requests: RequestGraph) {
        let perCall = topology.calls.map(\.worstCase)
        self.perCall = perCall
        perNode = (0..<requests.nodeCount).map { node in
            var sequentialSum = Duration.zero
            var slowestParallel = Duration.zero
            for slot in requests.callSlots(of: node) {
                let callID = requests.nodeCalls[slot]
                guard let worst = perCall[callID] else { continue }
                if topology.calls[callID].parallel {
                    if worst > slowestParallel { slowestParallel = worst }
                } else {
                    sequentialSum = sequentialSum + worst * topology.calls[callID].perRequest
                }
            }
            return sequentialSum + slowestParallel
        }
    }
}
