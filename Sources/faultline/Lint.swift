import ArgumentParser
import FaultlineYAML
import FaultlineModel
import FaultlineGraph
import FaultlineRules
import FaultlineReport

extension OutputFormat: ExpressibleByArgument {}
extension FailThreshold: ExpressibleByArgument {}

struct Lint: RunnableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Lint topology files; several files form one system.",
        discussion: """
        Exit status: 0 when no finding is at or above --fail-on, 1 when one is, 2 when the input \
        could not be analysed (unreadable file, invalid YAML or topology, bad flag or configuration).
        """
    )

    @Argument(help: "Topology files (YAML). Several files are merged into one system.")
    var files: [String]

    @Option(help: "Output format: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: OutputFormat = .text

    @Option(name: .customLong("fail-on"), help: "Lowest severity that fails the run (exit 1): error, warning, note or never. Default: error, or 'fail_on' from the configuration.")
    var failOn: FailThreshold?

    @Option(help: "Configuration file. Default: ./\(ConfigurationLoader.fileName) when it exists.")
    var config: String?

    @Option(help: "Write the report to this file instead of standard output (replaced atomically).")
    var output: String?

    @Option(name: .customLong("max-nodes"), help: "Most YAML nodes one file may expand to through aliases.")
    var maxNodes: Int = YAMLLimits.default.maxExpandedNodes

    @Option(name: .customLong("max-depth"), help: "Deepest nesting of YAML collections allowed.")
    var maxDepth: Int = YAMLLimits.default.maxDepth

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one topology file") }
        if maxNodes < 1 { throw ValidationError("--max-nodes must be at least 1") }
        if maxDepth < 1 { throw ValidationError("--max-depth must be at least 1") }
    }

    func execute() -> Int32 {
        let configuration: Configuration
        switch loadConfiguration() {
        case .success(let loaded): configuration = loaded
        case .failure(let failure): return reportInvalid(failure.diagnostics)
        }

        var sources: [SourceFile] = []
        var readErrors: [Diagnostic] = []
        for path in files {
            switch FileInput.read(path) {
            case .success(let bytes): sources.append(SourceFile(name: path, bytes: bytes))
            case .failure(let diagnostic): readErrors.append(diagnostic)
            }
        }
        if !readErrors.isEmpty { return reportInvalid(readErrors) }

        let limits = YAMLLimits(maxExpandedNodes: maxNodes, maxDepth: maxDepth)
        let topology: Topology
        switch TopologyLoader.load(sources, limits: limits) {
        case .success(let loaded): topology = loaded
        case .failure(let failure): return reportInvalid(failure.diagnostics)
        }

        let findings = Analyzer(configuration: configuration).run(GraphAnalysis(topology))
        let report = Report(topology: topology, findings: findings)
        let useColor = output == nil && format == .text && FileInput.stdoutIsTerminal && !FileInput.noColorRequested
        let rendered = format.render(report, color: useColor)
        if let output {
            if let problem = FileInput.writeAtomically(rendered, to: output) {
                printError("faultline: error: cannot write '\(output)': \(problem)")
                return ExitStatus.invalidInput
            }
        } else {
            FileInput.writeStandardOutput(rendered)
        }
        let threshold = failOn ?? configuration.failOn ?? .error
        return findings.contains { threshold.fails($0.severity) } ? ExitStatus.findings : ExitStatus.clean
    }

    private func loadConfiguration() -> Result<Configuration, LoadFailure> {
        let path: String
        if let config {
            path = config
        } else if FileInput.exists(ConfigurationLoader.fileName) {
            path = ConfigurationLoader.fileName
        } else {
            return .success(.default)
        }
        switch FileInput.read(path) {
        case .success(let bytes): return ConfigurationLoader.load(SourceFile(name: path, bytes: bytes))
        case .failure(let diagnostic): return .failure(LoadFailure(diagnostics: [diagnostic]))
        }
    }

    private func reportInvalid(_ diagnostics: [Diagnostic]) -> Int32 {
        printError(diagnostics.map(\.description).joined(separator: "\n"))
        let count = diagnostics.count
        printError("faultline: \(count) problem\(count == 1 ? "" : "s") in the input; nothing was analysed")
        return ExitStatus.invalidInput
    }
}
