/// A directed graph in compressed form: the successors of node `n` are
/// `targets[offsets[n]..<offsets[n + 1]]`. Built once, read by every algorithm.
public struct Digraph: Sendable {
    public let nodeCount: Int
    public let offsets: [Int]
    public let targets: [Int]

    /// Builds from edge lists given per node, in order.
    public init(nodeCount: Int, edges: (_ node: Int, _ add: (Int) -> Void) -> Void) {
        var offsets = [0]
        offsets.reserveCapacity(nodeCount + 1)
        var targets: [Int] = []
        for node in 0..<nodeCount {
            edges(node) { targets.append($0) }
            offsets.append(targets.count)
        }
        self.nodeCount = nodeCount
        self.offsets = offsets
        self.targets = targets
    }

    public init(nodeCount: Int, offsets: [Int], targets: [Int]) {
        self.nodeCount = nodeCount
        self.offsets = offsets
        self.targets = targets
    }

    @inlinable
    public func successors(of node: Int) -> ArraySlice<Int> {
        targets[offsets[node]..<offsets[node + 1]]
    }

    @inlinable
    public func edgeRange(of node: Int) -> Range<Int> { offsets[node]..<offsets[node + 1] }

    public var edgeCount: Int { targets.count }
}

/// The strongly connected components of a digraph.
public struct Components: Sendable {
    /// The component of each node.
    public let componentOf: [Int]
    /// Members of component `c` are `members[memberOffsets[c]..<memberOffsets[c + 1]]`, in ascending node order.
    public let memberOffsets: [Int]
    public let members: [Int]

    /// Components are numbered in reverse topological order: every edge between
    /// two components goes from a higher number to a lower one, so a loop from
    /// 0 upwards sees each component after all it can reach.
    public var count: Int { memberOffsets.count - 1 }

    public func members(of component: Int) -> ArraySlice<Int> {
        members[memberOffsets[component]..<memberOffsets[component + 1]]
    }

    /// Where a component's members are in `members` (see `RequestGraph.callSlots`).
    @inlinable
    public func memberSlots(of component: Int) -> Range<Int> { memberOffsets[component]..<memberOffsets[component + 1] }

    public func size(of component: Int) -> Int { memberOffsets[component + 1] - memberOffsets[component] }
}

extension Digraph {
    /// Tarjan's algorithm with an explicit stack: depth of the input never
    /// becomes depth of the Swift call stack. O(nodes + edges).
    public func stronglyConnectedComponents() -> Components {
        let unvisited = -1
        var index = Array(repeating: unvisited, count: nodeCount)
        var lowLink = Array(repeating: 0, count: nodeCount)
        var onStack = Array(repeating: false, count: nodeCount)
        var componentOf = Array(repeating: -1, count: nodeCount)
        var tarjanStack: [Int] = []
        // Each frame: a node and the position of the next edge to explore.
        var callStack: [(node: Int, nextEdge: Int)] = []
        var nextIndex = 0
        var componentCount = 0
        var memberOffsets = [0]
        var members: [Int] = []
        members.reserveCapacity(nodeCount)

        for root in 0..<nodeCount where index[root] == unvisited {
            index[root] = nextIndex; lowLink[root] = nextIndex; nextIndex += 1
            tarjanStack.append(root); onStack[root] = true
            callStack.append((root, offsets[root]))
            while let frame = callStack.last {
                let node = frame.node
                if frame.nextEdge < offsets[node + 1] {
                    let successor = targets[frame.nextEdge]
                    callStack[callStack.count - 1].nextEdge += 1
                    if index[successor] == unvisited {
                        index[successor] = nextIndex; lowLink[successor] = nextIndex; nextIndex += 1
                        tarjanStack.append(successor); onStack[successor] = true
                        callStack.append((successor, offsets[successor]))
                    } else if onStack[successor] {
                        lowLink[node] = min(lowLink[node], index[successor])
                    }
                    continue
                }
                callStack.removeLast()
                if let parent = callStack.last {
                    lowLink[parent.node] = min(lowLink[parent.node], lowLink[node])
                }
                if lowLink[node] == index[node] {
                    let start = members.count
                    while let member = tarjanStack.popLast() {
                        onStack[member] = false
                        componentOf[member] = componentCount
                        members.append(member)
                        if member == node { break }
                    }
                    // Sorted in place, and only when there is more than one: a
                    // slice sorted through `members[start...]` is copied out first,
                    // one allocation per component, a hundred thousand at 50 000 services.
                    if members.count - start > 1 {
                        members.withUnsafeMutableBufferPointer { buffer in
                            var component = UnsafeMutableBufferPointer(rebasing: buffer[start...])
                            component.sort()
                        }
                    }
                    memberOffsets.append(members.count)
                    componentCount += 1
                }
            }
        }
        return Components(componentOf: componentOf, memberOffsets: memberOffsets, members: members)
    }

    /// A shortest path from `source` back to itself using only nodes for which
    /// `allowed` holds, as a list of nodes starting and ending with `source`;
    /// nil when there is none. Breadth-first, so O(nodes + edges) of the allowed part.
    public func shortestCycle(through source: Int, allowed: (Int) -> Bool) -> [Int]? {
        var parent: [Int: Int] = [source: -1]
        var queue = [source]
        var head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            for successor in successors(of: node) {
                if successor == source {
                    var path = [source]
                    var step = node
                    while step != source, step != -1 {
                        path.append(step)
                        step = parent[step] ?? -1
                    }
                    path.append(source)
                    return path.reversed()
                }
                if allowed(successor), parent[successor] == nil {
                    parent[successor] = node
                    queue.append(successor)
                }
            }
        }
        return nil
    }

    /// A shortest path from `source` to `destination` through nodes for which
    /// `allowed` holds, both ends included; nil when there is none.
    public func shortestPath(from source: Int, to destination: Int, allowed: (Int) -> Bool) -> [Int]? {
        if source == destination { return [source] }
        var parent: [Int: Int] = [source: -1]
        var queue = [source]
        var head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            for successor in successors(of: node) where parent[successor] == nil && allowed(successor) {
                parent[successor] = node
                if successor == destination {
                    var path = [destination]
                    var step = node
                    while step != -1 {
                        path.append(step)
                        step = parent[step] ?? -1
                    }
                    return path.reversed()
                }
                queue.append(successor)
            }
        }
        return nil
    }
}
