public import FaultlineModel

/// A move out of a collapsed component: the member it leaves from, the call
/// it makes and the node it lands on.
public struct ComponentExit: Sendable, Equatable {
    public let from: Int
    public let call: CallID
    public let to: Int
}

/// Per-component measures of the request graph, by dynamic programming over
/// its condensation: each strongly connected set is one node, entering and
/// leaving it is a hop, moves inside it are free. Components are numbered so
/// that successors come first, so one pass in index order is enough.
/// O(nodes + edges); no path is ever enumerated.
public struct PathTables: Sendable {
    /// Longest path in sync hops from any member of the component.
    public let depth: [Int]
    /// The first step of that longest path; nil where the depth is 0.
    public let depthExit: [ComponentExit?]
    /// Sync calls one request causes, per_request multiplied down the paths
    /// (saturating at Int.max); each member's calls count once.
    public let callTotal: [Int]
    /// Largest product of `max_attempts` along a path from any member
    /// (saturating); calls inside the component count factor 1.
    public let amplification: [Int]
    /// The first step of that worst path; nil where the product is 1.
    public let amplificationExit: [ComponentExit?]

    public init(topology: Topology, requests: RequestGraph) {
        let components = requests.components
        var depth = Array(repeating: 0, count: components.count)
        var depthExit = Array(repeating: ComponentExit?.none, count: components.count)
        var callTotal = Array(repeating: 0, count: components.count)
        var amplification = Array(repeating: 1, count: components.count)
        var amplificationExit = Array(repeating: ComponentExit?.none, count: components.count)
        for component in 0..<components.count {
            var best = 0
            var bestExit: ComponentExit?
            var total = 0
            var worstProduct = 1
            var worstExit: ComponentExit?
            for memberSlot in components.memberSlots(of: component) {
                let node = components.members[memberSlot]
                for slot in requests.callSlots(of: node) {
                    let callID = requests.nodeCalls[slot]
                    let call = topology.calls[callID]
                    var targetTotal = 0
                    for target in requests.targetNodes(of: call) {
                        let targetComponent = components.componentOf[target]
                        guard targetComponent != component else { continue }
                        if depth[targetComponent] + 1 > best {
                            best = depth[targetComponent] + 1
                            bestExit = ComponentExit(from: node, call: callID, to: target)
                        }
                        targetTotal = max(targetTotal, callTotal[targetComponent])
                        let product = call.retry.maxAttempts.multipliedSaturating(by: amplification[targetComponent])
                        if product > worstProduct {
                            worstProduct = product
                            worstExit = ComponentExit(from: node, call: callID, to: target)
                        }
                    }
                    total = total.addingSaturating(call.perRequest.multipliedSaturating(by: 1.addingSaturating(targetTotal)))
                }
            }
            depth[component] = best
            depthExit[component] = bestExit
            callTotal[component] = total
            amplification[component] = worstProduct
            amplificationExit[component] = worstExit
        }
        self.depth = depth
        self.depthExit = depthExit
        self.callTotal = callTotal
        self.amplification = amplification
        self.amplificationExit = amplificationExit
    }
}

extension Int {
    public func addingSaturating(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }

    public func multipliedSaturating(by other: Int) -> Int {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? .max : product
    }
}
