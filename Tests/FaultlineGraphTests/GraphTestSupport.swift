import FaultlineGraph
import FaultlineModel
import Testing

/// Loads a topology from YAML, recording the diagnostics if it does not load.
func loadTopology(_ yaml: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Topology {
    switch TopologyLoader.load([SourceFile(name: "graph.yaml", text: yaml)]) {
    case .success(let topology):
        return topology
    case .failure(let failure):
        Issue.record("the test topology does not load:\n\(failure.diagnostics.map(\.description).joined(separator: "\n"))", sourceLocation: sourceLocation)
        throw GraphTestError.invalidTopology
    }
}

/// The analysis of `faultline: 1` plus `services:` holding `services` (YAML lines indented by two).
func analyse(services: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> GraphAnalysis {
    GraphAnalysis(try loadTopology("faultline: 1\nservices:\n" + services, sourceLocation: sourceLocation))
}

enum GraphTestError: Error { case invalidTopology, noSuchService(String) }

/// A digraph from an edge list.
func digraph(_ nodeCount: Int, _ edges: [(Int, Int)]) -> Digraph {
    var successors = Array(repeating: [Int](), count: nodeCount)
    for (from, to) in edges { successors[from].append(to) }
    return Digraph(nodeCount: nodeCount) { node, add in successors[node].forEach(add) }
}

extension GraphAnalysis {
    func service(_ name: String) throws -> ServiceID {
        guard let id = topology.services.firstIndex(where: { $0.name == name }) else { throw GraphTestError.noSuchService(name) }
        return id
    }

    /// The request-graph node of a service without operations, or of one of its operations.
    func node(_ name: String, operation: String? = nil) throws -> Int {
        let id = try service(name)
        guard let operation else { return requests.firstNode[id] }
        guard let index = topology.services[id].operations.firstIndex(where: { $0.name == operation }) else {
            throw GraphTestError.noSuchService("\(name).\(operation)")
        }
        return requests.firstNode[id] + index
    }

    func depth(_ name: String, operation: String? = nil) throws -> Int {
        paths.depth[component(of: try node(name, operation: operation))]
    }

    func callTotal(_ name: String, operation: String? = nil) throws -> Int {
        paths.callTotal[component(of: try node(name, operation: operation))]
    }

    func names(_ services: [ServiceID]) -> [String] { services.map { topology.services[$0].name } }

    func longestPathNames(from name: String, operation: String? = nil) throws -> [String] {
        names(longestPath(from: try node(name, operation: operation)))
    }

    /// The services of the entry nodes, with operation names where there are some.
    var entryNames: [String] {
        entries.map { node in
            let service = topology.services[requests.nodeService[node]].name
            return operationName(of: node).map { "\(service).\($0)" } ?? service
        }
    }
}
