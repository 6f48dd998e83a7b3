public import FaultlineModel
import FaultlineGraph

/// Runs one rule on one of its examples, alone and with the example's thresholds.
public enum ExampleRunner {
    public static let fileName = "topology.yaml"

    public static func findings(of rule: any Rule.Type, on example: Example) -> Result<[Finding], LoadFailure> {
        let description = rule.description
        let topology: Topology
        switch TopologyLoader.load([SourceFile(name: fileName, text: example.text)]) {
        case .success(let loaded): topology = loaded
        case .failure(let failure): return .failure(failure)
        }
        let configuration = Configuration(rules: [description.id: .init(thresholds: example.thresholds)])
        return .success(Analyzer(configuration: configuration, rules: [rule]).run(GraphAnalysis(topology)))
    }
}
