import FaultlineTestSupport
import FaultlineGraph
import Testing

@Suite("Strongly connected components")
struct SCCTests {
    /// Checks the invariants every result must hold: each node in exactly one
    /// component, members ascending, and every edge going to a lower-or-equal number.
    static func checkInvariants(_ graph: Digraph, _ components: Components, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(components.componentOf.count == graph.nodeCount, sourceLocation: sourceLocation)
        #expect(components.members.count == graph.nodeCount, sourceLocation: sourceLocation)
        #expect(Set(components.members).count == graph.nodeCount, sourceLocation: sourceLocation)
        var badMembership = 0, unsorted = 0, badEdges = 0
        for component in 0..<components.count {
            let members = Array(components.members(of: component))
            if members != members.sorted() { unsorted += 1 }
            if members.isEmpty || components.size(of: component) != members.count { badMembership += 1 }
            for member in members where components.componentOf[member] != component { badMembership += 1 }
        }
        for node in 0..<graph.nodeCount {
            for successor in graph.successors(of: node) where components.componentOf[node] < components.componentOf[successor] {
                badEdges += 1
            }
        }
        #expect(badMembership == 0, sourceLocation: sourceLocation)
        #expect(unsorted == 0, sourceLocation: sourceLocation)
        #expect(badEdges == 0, "edges from a lower to a higher component number", sourceLocation: sourceLocation)
    }

    @Test("nodes without edges are singletons")
    func singletons() {
        let graph = digraph(3, [])
        let components = graph.stronglyConnectedComponents()
        #expect(components.count == 3)
        #expect((0..<3).allSatisfy { components.size(of: $0) == 1 })
        #expect(Set(components.componentOf) == [0, 1, 2])
        Self.checkInvariants(graph, components)
    }

    @Test("an empty graph has no components")
    func emptyGraph() {
        let components = digraph(0, []).stronglyConnectedComponents()
        #expect(components.count == 0)
        #expect(components.members.isEmpty)
    }

    @Test("a chain: one component per node, later nodes numbered lower")
    func chain() {
        let graph = digraph(3, [(0, 1), (1, 2)])
        let components = graph.stronglyConnectedComponents()
        #expect(components.count == 3)
        #expect(components.componentOf == [2, 1, 0])
        Self.checkInvariants(graph, components)
    }

    @Test("one big cycle is one component, members in ascending order")
    func oneCycle() {
        let graph = digraph(4, [(3, 1), (1, 2), (2, 0), (0, 3)])
        let components = graph.stronglyConnectedComponents()
        #expect(components.count == 1)
        #expect(Array(components.members(of: 0)) == [0, 1, 2, 3])
        #expect(components.componentOf == [0, 0, 0, 0])
        Self.checkInvariants(graph, components)
    }

    @Test("two cycles joined by an edge stay two components, the upstream one numbered higher")
    func twoCyclesJoined() {
        let graph = digraph(5, [(0, 1), (1, 0), (1, 2), (2, 3), (3, 4), (4, 2)])
        let components = graph.stronglyConnectedComponents()
        #expect(components.count == 2)
        let first = components.componentOf[0], second = components.componentOf[2]
        #expect(components.componentOf[1] == first)
        #expect(components.componentOf[3] == second && components.componentOf[4] == second)
        #expect(first > second)
        #expect(Array(components.members(of: first)) == [0, 1])
        #expect(Array(components.members(of: second)) == [2, 3, 4])
        Self.checkInvariants(graph, components)
    }

    @Test("a self-loop is a component of one, like any singleton")
    func selfLoop() {
        let graph = digraph(3, [(0, 0), (0, 1), (2, 2)])
        let components = graph.stronglyConnectedComponents()
        #expect(components.count == 3)
        #expect(components.size(of: components.componentOf[0]) == 1)
        #expect(components.componentOf[0] > components.componentOf[1])
        Self.checkInvariants(graph, components)
    }

    @Test("a diamond with a back edge merges only the nodes on the cycle")
    func diamondWithBackEdge() {
        // 0 → 1 → 3, 0 → 2 → 3, 3 → 1, 3 → 4
        let graph = digraph(5, [(0, 1), (0, 2), (1, 3), (2, 3), (3, 1), (3, 4)])
        let components = graph.stronglyConnectedComponents()
        #expect(components.count == 4)
        #expect(components.componentOf[1] == components.componentOf[3])
        #expect(components.componentOf[2] != components.componentOf[1])
        #expect(components.componentOf[0] > components.componentOf[2])
        #expect(components.componentOf[2] > components.componentOf[1])
        #expect(components.componentOf[1] > components.componentOf[4])
        Self.checkInvariants(graph, components)
    }

    @Test("random graphs agree with brute-force mutual reachability", arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func randomGraphs(seed: UInt64) {
        var random = SplitMix64(state: seed)
        let nodeCount = 40 + random.next(below: 30)
        let edgeCount = nodeCount + random.next(below: nodeCount * 2)
        var edges: [(Int, Int)] = []
        for _ in 0..<edgeCount { edges.append((random.next(below: nodeCount), random.next(below: nodeCount))) }
        let graph = digraph(nodeCount, edges)
        let components = graph.stronglyConnectedComponents()
        Self.checkInvariants(graph, components)

        var reaches = Array(repeating: Array(repeating: false, count: nodeCount), count: nodeCount)
        for start in 0..<nodeCount {
            var stack = [start]
            reaches[start][start] = true
            while let node = stack.popLast() {
                for successor in graph.successors(of: node) where !reaches[start][successor] {
                    reaches[start][successor] = true
                    stack.append(successor)
                }
            }
        }
        var disagreements = 0
        for a in 0..<nodeCount {
            for b in 0..<nodeCount {
                let together = components.componentOf[a] == components.componentOf[b]
                if together != (reaches[a][b] && reaches[b][a]) { disagreements += 1 }
            }
        }
        #expect(disagreements == 0)
    }

    @Test("a chain of 100 000 nodes: no stack overflow, numbered from the end", .timeLimit(.minutes(1)))
    func longChain() {
        let count = 100_000
        let graph = Digraph(nodeCount: count) { node, add in if node + 1 < count { add(node + 1) } }
        let components = graph.stronglyConnectedComponents()
        #expect(components.count == count)
        #expect(components.componentOf.first == count - 1)
        #expect(components.componentOf.last == 0)
        #expect(components.componentOf.enumerated().allSatisfy { $0.element == count - 1 - $0.offset })
    }

    @Test("a cycle of 100 000 nodes is one component", .timeLimit(.minutes(1)))
    func longCycle() {
        let count = 100_000
        let graph = Digraph(nodeCount: count) { node, add in add((node + 1) % count) }
        let components = graph.stronglyConnectedComponents()
        #expect(components.count == 1)
        #expect(components.size(of: 0) == count)
        #expect(components.members(of: 0).first == 0 && components.members(of: 0).last == count - 1)
    }

    @Test("a long chain with a back edge halfway: one big component and a tail of singletons", .timeLimit(.minutes(1)))
    func longChainWithBackEdge() {
        let count = 100_000
        let graph = Digraph(nodeCount: count) { node, add in
            if node + 1 < count { add(node + 1) }
            if node == 50_000 { add(0) }
        }
        let components = graph.stronglyConnectedComponents()
        #expect(components.count == 1 + (count - 50_001))
        let big = components.componentOf[0]
        #expect(components.size(of: big) == 50_001)
        #expect(components.componentOf[50_000] == big)
        #expect(components.componentOf[50_001] != big)
        #expect(big == components.count - 1)
    }

    @Test("Digraph: successors, edge ranges and counts in CSR form")
    func digraphLayout() {
        let graph = digraph(3, [(0, 2), (0, 1), (2, 0)])
        #expect(graph.nodeCount == 3)
        #expect(graph.edgeCount == 3)
        #expect(Array(graph.successors(of: 0)) == [2, 1])
        #expect(graph.successors(of: 1).isEmpty)
        #expect(graph.edgeRange(of: 2) == 2..<3)
        let same = Digraph(nodeCount: 3, offsets: graph.offsets, targets: graph.targets)
        #expect(Array(same.successors(of: 2)) == [0])
    }
}

@Suite("Shortest cycles and paths")
struct ShortestPathTests {
    @Test("shortestCycle finds the fewest hops back to the source")
    func shortestCycle() {
        // 0 → 1 → 2 → 0 and 0 → 3 → 0
        let graph = digraph(4, [(0, 1), (1, 2), (2, 0), (0, 3), (3, 0)])
        #expect(graph.shortestCycle(through: 0) { _ in true } == [0, 3, 0])
        #expect(graph.shortestCycle(through: 1) { _ in true } == [1, 2, 0, 1])
        #expect(graph.shortestCycle(through: 0) { $0 != 3 } == [0, 1, 2, 0])
        #expect(graph.shortestCycle(through: 0) { $0 == 0 } == nil)
    }

    @Test("a self-loop is a cycle of one hop")
    func selfLoopCycle() {
        let graph = digraph(2, [(0, 1), (1, 1)])
        #expect(graph.shortestCycle(through: 1) { _ in true } == [1, 1])
        #expect(graph.shortestCycle(through: 0) { _ in true } == nil)
    }

    @Test("a cycle that does not pass through the source is not the source's cycle")
    func cycleElsewhere() {
        let graph = digraph(3, [(0, 1), (1, 2), (2, 1)])
        #expect(graph.shortestCycle(through: 0) { _ in true } == nil)
        #expect(graph.shortestCycle(through: 2) { _ in true } == [2, 1, 2])
    }

    @Test("a cycle of 100 000 nodes is found without recursion", .timeLimit(.minutes(1)))
    func longCycle() throws {
        let count = 100_000
        let graph = Digraph(nodeCount: count) { node, add in add((node + 1) % count) }
        let cycle = try #require(graph.shortestCycle(through: 0) { _ in true })
        #expect(cycle.count == count + 1)
        #expect(cycle.first == 0 && cycle.last == 0)
        #expect(cycle[1] == 1 && cycle[count - 1] == count - 1)
    }

    @Test("shortestPath: fewest hops, both ends included")
    func shortestPath() {
        // 0 → 1 → 2 → 3 and a shortcut 0 → 2
        let graph = digraph(5, [(0, 1), (1, 2), (2, 3), (0, 2)])
        #expect(graph.shortestPath(from: 0, to: 3) { _ in true } == [0, 2, 3])
        #expect(graph.shortestPath(from: 1, to: 3) { _ in true } == [1, 2, 3])
        #expect(graph.shortestPath(from: 2, to: 2) { _ in true } == [2])
        #expect(graph.shortestPath(from: 3, to: 0) { _ in true } == nil)
        #expect(graph.shortestPath(from: 0, to: 4) { _ in true } == nil)
    }

    @Test("shortestPath only walks allowed nodes")
    func shortestPathAllowed() {
        let graph = digraph(4, [(0, 1), (1, 3), (0, 2), (2, 3)])
        #expect(graph.shortestPath(from: 0, to: 3) { $0 != 1 } == [0, 2, 3])
        #expect(graph.shortestPath(from: 0, to: 3) { $0 != 1 && $0 != 2 } == nil)
    }
}
