public import FaultlineModel
import FaultlineGraph

/// Runs one of a rule's examples through the whole pipeline — every rule, then
/// inline suppressions — and keeps what that rule reports and nothing suppresses.
public enum ExampleRunner {
    public static let fileName = "topology.yaml"

    public static func findings(of rule: any Rule.Type, on example: Example) -> Result<[Finding], LoadFailure> {
        let description = rule.description
        let source = SourceFile(name: fileName, text: example.text)
        let topology: Topology
        switch TopologyLoader.load([source]) {
        case .success(let loaded): topology = loaded
        case .failure(let failure): return .failure(failure)
        }
        let ids = RuleCatalog.all.map { $0.description.id }
        let scan = InlineSuppressionScanner.scan(source, knownRules: ids)
        if !scan.diagnostics.isEmpty { return .failure(LoadFailure(diagnostics: scan.diagnostics)) }
        let configuration = Configuration(rules: [description.id: .init(thresholds: example.thresholds)])
        let raw = Analyzer(configuration: configuration).run(GraphAnalysis(topology))
        let all = SuppressionEngine(inline: scan.suppressions, configuration: configuration, ranRules: Set(ids)).apply(to: raw)
        return .success(all.filter { $0.rule == description.id && $0.suppression == nil })
    }
}
