public import FaultlineGraph

/// Runs the enabled rules over one analysis and applies the configuration.
public struct Analyzer: Sendable {
    public let configuration: Configuration
    public let rules: [any Rule.Type]

    public init(configuration: Configuration = .default, rules: [any Rule.Type] = RuleCatalog.all) {
        self.configuration = configuration
        self.rules = rules
    }

    /// The enabled rules' findings, in report order.
    public func run(_ analysis: GraphAnalysis, timing: ((String, () -> Void) -> Void)? = nil) -> [Finding] {
        var findings: [[Finding]] = []
        for rule in rules {
            let description = rule.description
            guard configuration.settings(for: description.id).enabled else { continue }
            let context = RuleContext(analysis: analysis, ruleID: description.id,
                                      severity: configuration.severity(for: description),
                                      thresholds: configuration.thresholds(for: description))
            let check = { findings.append(rule.init().check(context)) }
            if let timing { timing(description.id, check) } else { check() }
        }
        return Finding.sortedInReportOrder(findings)
    }
}
