import FaultlineGraph
import FaultlineModel
import Testing

@Suite("Service graph")
struct ServiceGraphTests {
    @Test("parallel calls between two services are one edge, labelled with the first call")
    func parallelEdgesDeduplicated() throws {
        let analysis = try analyse(services: """
              a:
                calls:
                  - { to: b, per_request: 2 }
                  - to: c
                  - { to: b, via: grpc }
                operations:
                  Op: { calls: [{ to: b }] }
              b: {}
              c: {}
            """)
        let a = try analysis.service("a"), b = try analysis.service("b"), c = try analysis.service("c")
        let graph = analysis.services.graph
        #expect(Array(graph.successors(of: a)) == [b, c])
        #expect(graph.edgeCount == 2)
        #expect(analysis.services.edgeCall.count == 2)
        let first = try #require(analysis.services.call(from: a, to: b))
        #expect(analysis.topology.calls[first].perRequest == 2)
        #expect(first == analysis.topology.services[a].calls[0])
        #expect(analysis.services.call(from: a, to: c) == analysis.topology.services[a].calls[1])
        #expect(analysis.services.call(from: b, to: a) == nil)
        #expect(analysis.services.callerCount[b] == 1)
    }

    @Test("callerCount counts distinct other callers and ignores self-calls")
    func callerCount() throws {
        let analysis = try analyse(services: """
              a: { calls: [{ to: a }, { to: hub }, { to: hub }] }
              b: { calls: [{ to: hub }] }
              c: { calls: [{ to: hub }, { to: c }] }
              hub: { calls: [{ to: hub }] }
            """)
        let ids = try ["a", "b", "c", "hub"].map { try analysis.service($0) }
        #expect(ids.map { analysis.services.callerCount[$0] } == [0, 0, 0, 3])
        #expect(ids.map { analysis.services.callsItself[$0] } == [true, false, true, true])
    }

    @Test("a sync cycle between services is one component; a self-call stays a singleton")
    func serviceComponents() throws {
        let analysis = try analyse(services: """
              a: { calls: [{ to: b }] }
              b: { calls: [{ to: c }] }
              c: { calls: [{ to: a }, { to: d }] }
              d: { calls: [{ to: d }] }
            """)
        let components = analysis.services.components
        let a = try analysis.service("a"), d = try analysis.service("d")
        #expect(components.count == 2)
        #expect(components.size(of: components.componentOf[a]) == 3)
        #expect(components.size(of: components.componentOf[d]) == 1)
        #expect(components.componentOf[a] > components.componentOf[d])
        #expect(analysis.services.callsItself[d])
        #expect(!analysis.services.callsItself[a])
    }

    @Test("calls from any operation are edges of the service graph")
    func operationCallsAreEdges() throws {
        let analysis = try analyse(services: """
              a:
                operations:
                  One: { calls: [{ to: b }] }
                  Two: { calls: [{ to: c }, { to: b }] }
              b: {}
              c: {}
            """)
        let a = try analysis.service("a")
        #expect(Set(analysis.services.graph.successors(of: a)) == [try analysis.service("b"), try analysis.service("c")])
        #expect(analysis.services.graph.edgeCount == 2)
    }
}

@Suite("Request graph")
struct RequestGraphTests {
    static let topology = """
          a:
            calls:
              - to: b
              - { to: b, operation: Y }
          b:
            calls: [{ to: c }]
            operations:
              X: { calls: [{ to: d }] }
              Y: {}
          c: {}
          d: { external: true }
        """

    @Test("one node per operation, one per service without operations")
    func nodes() throws {
        let analysis = try analyse(services: Self.topology)
        let requests = analysis.requests
        #expect(requests.nodeCount == 5)
        #expect(requests.nodeService == [0, 1, 1, 2, 3])
        #expect(requests.nodeOperation == [-1, 0, 1, -1, -1])
        #expect(requests.firstNode == [0, 1, 3, 4, 5])
        #expect(requests.nodes(of: 1) == 1..<3)
        #expect(requests.operation(of: 0) == nil)
        #expect(requests.operation(of: 2) == 1)
        #expect(analysis.operationName(of: 1) == "X")
        #expect(analysis.operationName(of: 3) == nil)
    }

    @Test("direct calls belong to every operation, an operation's own calls only to it")
    func callsOfNodes() throws {
        let analysis = try analyse(services: Self.topology)
        let b = analysis.topology.services[try analysis.service("b")]
        let direct = try #require(b.calls.first)
        let own = try #require(b.operations.first?.calls.first)
        let x = try analysis.node("b", operation: "X"), y = try analysis.node("b", operation: "Y")
        #expect(Array(analysis.requests.calls(of: x)) == [direct, own])
        #expect(Array(analysis.requests.calls(of: y)) == [direct])
        #expect(Set(analysis.requests.graph.successors(of: x)) == [try analysis.node("c"), try analysis.node("d")])
        #expect(Array(analysis.requests.graph.successors(of: y)) == [try analysis.node("c")])
    }

    @Test("a call without operation: reaches every node of the target; with it, one")
    func callTargets() throws {
        let analysis = try analyse(services: Self.topology)
        let a = analysis.topology.services[try analysis.service("a")]
        let anyOperation = analysis.topology.calls[a.calls[0]]
        let named = analysis.topology.calls[a.calls[1]]
        let x = try analysis.node("b", operation: "X"), y = try analysis.node("b", operation: "Y")
        #expect(analysis.requests.targetNodes(of: anyOperation) == x..<(y + 1))
        #expect(analysis.requests.targetNodes(of: named) == y..<(y + 1))
        #expect(Array(analysis.requests.graph.successors(of: try analysis.node("a"))) == [x, y, y])
    }

    @Test("an external service is a leaf")
    func externalLeaf() throws {
        let analysis = try analyse(services: Self.topology)
        let d = try analysis.node("d")
        #expect(analysis.requests.graph.successors(of: d).isEmpty)
        #expect(analysis.requests.calls(of: d).isEmpty)
    }
}

@Suite("Entries")
struct EntryTests {
    @Test("marked entrypoints are the entries, even when something calls them")
    func markedEntrypoints() throws {
        let analysis = try analyse(services: """
              a: { calls: [{ to: b }] }
              b: { entrypoint: true, calls: [{ to: c }] }
              c: {}
              d: { entrypoint: true }
            """)
        #expect(analysis.entryNames == ["b", "d"])
    }

    @Test("with none marked, the services no one else calls, in file order")
    func unmarkedEntries() throws {
        let analysis = try analyse(services: """
              worker: {}
              a: { calls: [{ to: b }] }
              b: {}
              c: { calls: [{ to: b }] }
            """)
        #expect(analysis.entryNames == ["worker", "a", "c"])
    }

    @Test("a self-call does not stop a service being an entry")
    func selfCallStillEntry() throws {
        let analysis = try analyse(services: """
              a: { calls: [{ to: a }, { to: b }] }
              b: { calls: [{ to: b }] }
            """)
        #expect(analysis.entryNames == ["a"])
    }

    @Test("each operation of an entry service is an entry")
    func operationsAreEntries() throws {
        let analysis = try analyse(services: """
              api:
                entrypoint: true
                operations:
                  Get: {}
                  Put: { calls: [{ to: db-proxy }] }
              db-proxy: {}
            """)
        #expect(analysis.entryNames == ["api.Get", "api.Put"])
    }

    @Test("services that only call each other, none marked: no entries")
    func onlyACycle() throws {
        let analysis = try analyse(services: """
              a: { calls: [{ to: b }] }
              b: { calls: [{ to: a }] }
            """)
        #expect(analysis.entries.isEmpty)
    }
}
