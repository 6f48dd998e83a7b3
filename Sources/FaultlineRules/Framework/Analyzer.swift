public import FaultlineGraph
import FaultlineModel
import FaultlineYAML

/// Runs the enabled rules over one analysis and applies the configuration.
public struct Analyzer: Sendable {
    public let configuration: Configuration
    public let rules: [any Rule.Type]

    public init(configuration: Configuration = .default, rules: [any Rule.Type] = RuleCatalog.all) {
        self.configuration = configuration
        self.rules = rules
    }

    /// The enabled rules' findings, in report order.
    public func run(_ analysis: GraphAnalysis) -> [Finding] {
        Finding.sortedInReportOrder(run(analysis, clock: nil).findings)
    }

    /// Each enabled rule's findings, unsorted, with how long each rule took
    /// (in rule order) when a clock is given; `Finding.sortedInReportOrder`
    /// puts them in report order. Rules only read the analysis, so they run
    /// side by side on every core; each writes its findings to its own slot.
    public func run(_ analysis: GraphAnalysis, clock: (@Sendable () -> UInt64)?) -> (findings: [[Finding]], durations: [(rule: String, nanoseconds: UInt64)]) {
        let enabled = rules.filter { configuration.settings(for: $0.description.id).enabled }
        let contexts = enabled.map { rule in
            RuleContext(analysis: analysis, ruleID: rule.description.id,
                        severity: configuration.severity(for: rule.description),
                        thresholds: configuration.thresholds(for: rule.description))
        }
        // Heaviest first (longest-processing-time order); results stay in rule order.
        let order = enabled.indices.sorted { enabled[$0].weight > enabled[$1].weight || (enabled[$0].weight == enabled[$1].weight && $0 < $1) }
        let started = concurrentMap(enabled.count) { position -> (findings: [Finding], nanoseconds: UInt64) in
            let index = order[position]
            let start = clock?() ?? 0
            let findings = enabled[index].init().check(contexts[index])
            return (findings, (clock?() ?? 0) - start)
        }
        var results = started
        for (position, index) in order.enumerated() { results[index] = started[position] }
        let durations = clock == nil ? [] : zip(enabled, results).map { (rule: $0.description.id, nanoseconds: $1.nanoseconds) }
        return (results.map(\.findings), durations)
    }
}
