public import FaultlineYAML
public import FaultlineModel

/// Where a topology can be imported from.
public enum ImportSource: String, CaseIterable, Sendable {
    case compose, kubernetes, backstage
}

public struct ImportOptions: Sendable {
    /// Model what the Istio mesh does when a route sets nothing (its default
    /// retry policy) for workloads in the mesh. `--no-mesh-defaults` turns it off.
    public var meshDefaults: Bool
    /// Bounds on each source file, as for topology files.
    public var limits: YAMLLimits

    public init(meshDefaults: Bool = true, limits: YAMLLimits = .default) {
        self.meshDefaults = meshDefaults
        self.limits = limits
    }
}

/// A generated topology and where each of its facts came from.
public struct ImportResult: Sendable {
    /// The topology in the native format, with a `# from` comment on each inferred fact.
    public let text: String
    /// For each 1-based line of `text` that states a fact: the place in the
    /// source files the fact came from, which is where a fix belongs.
    public let origins: [Int: SourceLocation]
    /// What was skipped or could not be decided (kinds, fields, directions), one line each.
    public let notes: [String]
    public let serviceCount: Int
    public let callCount: Int
    public let channelCount: Int
    public let datastoreCount: Int

    /// The source position of a generated line: its own origin, or that of
    /// the nearest line above it that has one (a line inside a fact's block).
    public func origin(ofLine line: Int) -> SourceLocation? {
        var current = line
        while current >= 1 {
            if let origin = origins[current] { return origin }
            current -= 1
        }
        return nil
    }

    /// A position in the generated file moved to the source it came from;
    /// positions in other files are returned unchanged.
    public func relocate(_ location: SourceLocation, generatedFile: String = Importer.generatedFileName) -> SourceLocation {
        guard location.file == generatedFile, let origin = origin(ofLine: location.line) else { return location }
        return origin
    }

    /// One line for standard error: what was imported, and how many notes there are.
    public var summary: String {
        func count(_ value: Int, _ word: String) -> String { "\(value) \(word)\(value == 1 ? "" : "s")" }
        var line = "imported \(count(serviceCount, "service")), \(count(callCount, "call")), \(count(channelCount, "channel")), \(count(datastoreCount, "datastore"))"
        if !notes.isEmpty { line += "; \(count(notes.count, "note")) on what was skipped or guessed (--verbose lists them)" }
        return line
    }
}

/// One source file, parsed into its YAML documents.
struct ParsedFile {
    let name: String
    let documents: [YAMLDocument]
    /// The YAML could not be read (already reported): no documents, and nothing more to say.
    var unreadable = false
}

public enum Importer {
    /// The name the generated topology carries when it is linted directly.
    public static let generatedFileName = "<imported>"

    /// Imports the files as one system. Malformed input fails with every
    /// problem found, positioned in the source files.
    public static func run(_ source: ImportSource, files: [SourceFile], options: ImportOptions = ImportOptions()) -> Result<ImportResult, LoadFailure> {
        let reader = SourceReader()
        var parsed: [ParsedFile] = []
        for file in files {
            let stream = YAMLParser.parseStream(file.bytes, file: file.name, limits: options.limits)
            reader.append(stream.diagnostics)
            parsed.append(ParsedFile(name: file.name, documents: stream.documents,
                                     unreadable: stream.documents.isEmpty && !stream.diagnostics.isEmpty))
        }
        var system: ImportedSystem
        switch source {
        case .compose: system = ComposeImporter(reader: reader).run(parsed)
        case .kubernetes: system = KubernetesImporter(reader: reader, options: options).run(parsed)
        case .backstage: system = BackstageImporter(reader: reader).run(parsed)
        }
        if !reader.diagnostics.isEmpty {
            return .failure(LoadFailure(diagnostics: deduplicated(reader.diagnostics)))
        }
        if system.services.isEmpty {
            let first = SourceLocation(file: files.first?.name ?? "-", line: 1, column: 1)
            return .failure(LoadFailure(diagnostics: [Diagnostic("found no services to import in the \(source.rawValue) input (\(what(source))); a topology needs at least one", at: first)]))
        }
        system.finish(notes: &reader.notes)
        let (text, origins) = TopologyRenderer(source: source, fileCount: files.count).render(system)
        let result = ImportResult(text: text, origins: origins, notes: reader.notes.rendered,
                                  serviceCount: system.services.count, callCount: system.callCount,
                                  channelCount: system.channels.count, datastoreCount: system.datastores.count)
        // The output must be a valid topology; if it is not, that is a bug here,
        // reported at the source positions rather than as a broken file.
        if case .failure(let failure) = TopologyLoader.load([SourceFile(name: generatedFileName, text: text)]) {
            let diagnostics = failure.diagnostics.map { Diagnostic("internal error: the imported topology is invalid here: \($0.message)", at: result.relocate($0.location)) }
            return .failure(LoadFailure(diagnostics: deduplicated(diagnostics)))
        }
        return .success(result)
    }

    private static func what(_ source: ImportSource) -> String {
        switch source {
        case .compose: return "Compose services that are not databases, brokers or tooling"
        case .kubernetes: return "Deployments, StatefulSets, DaemonSets, Jobs, CronJobs or Pods"
        case .backstage: return "Backstage Components"
        }
    }

    private static func deduplicated(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        var seen = Set<Diagnostic>()
        return diagnostics.sorted().filter { seen.insert($0).inserted }
    }
}

extension ImportedSystem {
    /// Last checks before rendering: an external service declares no calls,
    /// and every use names something declared.
    mutating func finish(notes: inout NoteBook) {
        let serviceNames = Set(services.keys), channelNames = Set(channels.keys), datastoreNames = Set(datastores.keys)
        for service in sortedServices {
            update(service.name) { entry in
                if entry.external, !entry.calls.isEmpty {
                    notes.add("'\(entry.name)' is external, so its calls are not modelled", at: entry.origin.location)
                    entry.calls.removeAll()
                }
                entry.calls.removeAll { !serviceNames.contains($0.target) }
                entry.publishes.removeAll { !channelNames.contains($0.channel) }
                entry.consumes.removeAll { !channelNames.contains($0.channel) }
                entry.datastores.removeAll { !datastoreNames.contains($0.datastore) }
            }
        }
    }
}

/// Names as the topology accepts them. A source name that begins with `x-`
/// would read as an extension, so it gets a leading `_`.
enum TopologyNames {
    static func safe(_ name: String) -> String {
        name.hasPrefix("x-") ? "_" + name : name
    }
}
