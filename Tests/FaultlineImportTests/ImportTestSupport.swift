@testable import FaultlineImport
import FaultlineModel
import FaultlineYAML
import Testing

/// Imports in-memory files (name, text) and returns the result or the failure.
func runImport(_ source: ImportSource, _ files: [(String, String)], meshDefaults: Bool = true) -> Result<ImportResult, LoadFailure> {
    Importer.run(source, files: files.map { SourceFile(name: $0.0, text: $0.1) }, options: ImportOptions(meshDefaults: meshDefaults))
}

/// What an import gave: the text, its origins, and the topology the real loader reads from it.
struct Imported {
    let result: ImportResult
    let topology: Topology

    func service(_ name: String) -> Service? { topology.services.first { $0.name == name } }

    /// The call from `caller` to `target`.
    func call(_ caller: String, _ target: String) -> Call? {
        guard let from = topology.services.firstIndex(where: { $0.name == caller }),
              let to = topology.services.firstIndex(where: { $0.name == target }) else { return nil }
        return topology.calls.first { $0.caller == from && $0.target == to }
    }

    func targets(of caller: String) -> [String] {
        guard let from = topology.services.firstIndex(where: { $0.name == caller }) else { return [] }
        return topology.calls.filter { $0.caller == from }.map { topology.services[$0.target].name }.sorted()
    }

    func datastores(of name: String) -> [String] {
        (service(name)?.datastores ?? []).map { topology.datastores[$0.datastore].name }.sorted()
    }

    func publishes(_ name: String) -> [String] { (service(name)?.publishes ?? []).map { topology.channels[$0].name }.sorted() }
    func consumes(_ name: String) -> [String] { (service(name)?.consumes ?? []).map { topology.channels[$0.channel].name }.sorted() }

    /// Where the finding on a call's `to:` would point after relocation.
    func origin(ofCall caller: String, _ target: String) -> FaultlineYAML.SourceLocation? {
        call(caller, target).map { result.relocate($0.location) }
    }
}

/// Imports, expecting success, and loads the generated text with the real topology loader.
func imported(_ source: ImportSource, _ files: [(String, String)], meshDefaults: Bool = true,
              sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Imported {
    let result: ImportResult
    switch runImport(source, files, meshDefaults: meshDefaults) {
    case .success(let value): result = value
    case .failure(let failure):
        Issue.record("import failed: \(failure.diagnostics.map(\.description).joined(separator: "\n"))", sourceLocation: sourceLocation)
        throw ImportTestError.failed
    }
    switch TopologyLoader.load([SourceFile(name: Importer.generatedFileName, text: result.text)]) {
    case .success(let topology): return Imported(result: result, topology: topology)
    case .failure(let failure):
        Issue.record("generated topology is invalid: \(failure.diagnostics)\n\(result.text)", sourceLocation: sourceLocation)
        throw ImportTestError.failed
    }
}

/// Imports, expecting failure, and returns the diagnostics as `file:line:column: message`.
func importErrors(_ source: ImportSource, _ files: [(String, String)], sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [Diagnostic] {
    switch runImport(source, files) {
    case .success(let result):
        Issue.record("expected the import to fail; it gave:\n\(result.text)", sourceLocation: sourceLocation)
        return []
    case .failure(let failure):
        return failure.diagnostics
    }
}

enum ImportTestError: Error { case failed }

extension Diagnostic {
    var position: String { "\(location.file):\(location.line):\(location.column)" }
}

extension FaultlineYAML.SourceLocation {
    var position: String { "\(file):\(line):\(column)" }
}
