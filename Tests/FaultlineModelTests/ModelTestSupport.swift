import FaultlineModel
import FaultlineYAML
import Foundation
import Testing

/// Loads one YAML text as `test.yaml`.
func load(_ text: String, file: String = "test.yaml") -> Result<Topology, LoadFailure> {
    TopologyLoader.load([SourceFile(name: file, text: text)])
}

/// Loads files given as (name, text) pairs into one system.
func load(_ files: [(name: String, text: String)]) -> Result<Topology, LoadFailure> {
    TopologyLoader.load(files.map { SourceFile(name: $0.name, text: $0.text) })
}

/// The topology, or a recorded issue listing the diagnostics.
func loadValid(_ text: String, file: String = "test.yaml", sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Topology {
    try requireValid(load(text, file: file), sourceLocation: sourceLocation)
}

func requireValid(_ result: Result<Topology, LoadFailure>, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Topology {
    switch result {
    case .success(let topology):
        return topology
    case .failure(let failure):
        Issue.record("expected a valid topology, got:\n\(failure.diagnostics.map(\.description).joined(separator: "\n"))", sourceLocation: sourceLocation)
        throw LoadTestError.unexpectedFailure
    }
}

/// The diagnostics of a load that must fail (empty, with a recorded issue, if it succeeded).
func diagnostics(_ text: String, file: String = "test.yaml", sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [Diagnostic] {
    diagnostics(of: load(text, file: file), sourceLocation: sourceLocation)
}

func diagnostics(of result: Result<Topology, LoadFailure>, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [Diagnostic] {
    switch result {
    case .success:
        Issue.record("expected the load to fail, but it succeeded", sourceLocation: sourceLocation)
        return []
    case .failure(let failure):
        return failure.diagnostics
    }
}

enum LoadTestError: Error { case unexpectedFailure, missing(String) }

extension Diagnostic {
    var position: String { "\(location.line):\(location.column)" }
}

extension FaultlineYAML.SourceLocation {
    var position: String { "\(line):\(column)" }
}

extension Topology {
    func serviceID(_ name: String) throws -> ServiceID {
        guard let id = services.firstIndex(where: { $0.name == name }) else { throw LoadTestError.missing("service \(name)") }
        return id
    }

    func service(_ name: String) throws -> Service { services[try serviceID(name)] }

    func channelID(_ name: String) throws -> ChannelID {
        guard let id = channels.firstIndex(where: { $0.name == name }) else { throw LoadTestError.missing("channel \(name)") }
        return id
    }

    func datastoreID(_ name: String) throws -> DatastoreID {
        guard let id = datastores.firstIndex(where: { $0.name == name }) else { throw LoadTestError.missing("datastore \(name)") }
        return id
    }

    /// The direct calls of a service, in order.
    func directCalls(of name: String) throws -> [Call] {
        try service(name).calls.map { calls[$0] }
    }
}

extension Duration {
    static func ms(_ value: Int64) -> Duration { .milliseconds(value) }
}
