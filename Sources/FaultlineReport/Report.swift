public import FaultlineModel
public import FaultlineRules
import FaultlineYAML

public enum Tool {
    public static let name = "faultline"
    public static let version = "0.1.0"
    /// The project's home, for SARIF's `informationUri`.
    public static let homepage = "https://github.com/faultline-lint/faultline"
    /// Where the rule pages are published; SARIF's help links point here.
    public static let rulesURL = "https://github.com/faultline-lint/faultline/blob/main/rules/"
}

/// What a reporter prints: the findings of one run, what they were found in,
/// and how they stand against suppressions and the baseline.
public struct Report: Sendable {
    public let system: String?
    public let files: [String]
    public let serviceCount: Int
    public let callCount: Int
    public let channelCount: Int
    /// Every finding, suppressed and baselined ones included, in report order.
    public let findings: [Finding]
    /// The rules that ran, in catalog order.
    public let rules: [RuleDescription]
    public let failOn: FailThreshold
    /// Whether the run compared with a baseline.
    public let baselineUsed: Bool
    /// Baseline entries that no longer occur.
    public let fixed: [Baseline.Entry]

    /// `files` replaces the topology's own list (findings relocated to the
    /// files a topology was generated from).
    public init(topology: Topology, files: [String]? = nil, findings: [Finding], rules: [RuleDescription] = RuleCatalog.all.map { $0.description },
                failOn: FailThreshold = .error, baselineUsed: Bool = false, fixed: [Baseline.Entry] = [],
                counts: Finding.Counts? = nil) {
        system = topology.system
        self.files = files ?? topology.files
        serviceCount = topology.services.count
        callCount = topology.calls.count
        channelCount = topology.channels.count
        self.findings = findings
        self.counts = counts ?? Finding.Counts.of(findings)
        self.rules = rules
        self.failOn = failOn
        self.baselineUsed = baselineUsed
        self.fixed = fixed
    }

    /// Findings that count: neither suppressed nor baselined.
    public var activeFindings: [Finding] { findings.filter(\.isActive) }

    /// Active findings of one severity.
    public func count(_ severity: Severity) -> Int {
        switch severity {
        case .error: return counts.error
        case .warning: return counts.warning
        case .note: return counts.note
        }
    }

    public var suppressedCount: Int { counts.suppressed }
    public var baselinedCount: Int { counts.baselined }

    /// Counted once, when the report is made (or by the sort that put the
    /// findings in order): every format prints them.
    private let counts: Finding.Counts

    public var fixedCount: Int { fixed.reduce(0) { $0 + $1.count } }

    /// Whether the run fails the gate.
    public var fails: Bool { Severity.allCases.contains { failOn.fails($0) && count($0) > 0 } }
}

/// Every output format is a case here, so a new one does not compile until it has a reporter.
public enum OutputFormat: String, Sendable, CaseIterable {
    case text, json, sarif, github, junit, markdown

    /// The whole report as text.
    public func render(_ report: Report, color: Bool) -> String {
        let sink = OutputSink()
        write(report, color: color, to: sink)
        return sink.text
    }

    /// Writes the report to a sink; every format streams as it goes.
    public func write(_ report: Report, color: Bool, to sink: OutputSink) {
        switch self {
        case .json: JSONReporter().write(report, to: sink)
        case .sarif: SARIFReporter().write(report, to: sink)
        case .text: TextReporter(color: color).write(report, to: sink)
        case .github: GitHubReporter().write(report, to: sink)
        case .junit: JUnitReporter().write(report, to: sink)
        case .markdown: MarkdownReporter().write(report, to: sink)
        }
    }
}
