public import FaultlineYAML
public import FaultlineModel
import FaultlineGraph
public import FaultlineRules

/// The whole pipeline for one run: bytes → topology → graph → findings →
/// suppressions → baseline → report. The command line only gathers inputs
/// and prints.
public struct Linter: Sendable {
    public var configuration: Configuration
    public var limits: YAMLLimits
    public var failOn: FailThreshold
    public var baseline: Baseline?

    public init(configuration: Configuration = .default, limits: YAMLLimits = .default, failOn: FailThreshold? = nil, baseline: Baseline? = nil) {
        self.configuration = configuration
        self.limits = limits
        self.failOn = failOn ?? configuration.failOn ?? .error
        self.baseline = baseline
    }

    /// `timing` wraps each stage by name, for `--timings`. `relocation` moves
    /// findings from a generated topology back to the files it was generated
    /// from (`lint --from`), after suppressions and before the baseline.
    public func run(_ sources: [SourceFile], timing: Timing = .none, relocation: Relocation? = nil) -> Result<Report, LoadFailure> {
        let parsed = timing.measure("parse") { sources.map { YAMLParser.parse($0.bytes, file: $0.name, limits: limits) } }
        let loaded = timing.measure("load") { TopologyLoader.load(parsed, fileNames: sources.map(\.name)) }
        let topology: Topology
        switch loaded {
        case .success(let value): topology = value
        case .failure(let failure): return .failure(failure)
        }
        let ids = RuleCatalog.all.map { $0.description.id }
        var inline: [InlineSuppression] = []
        var diagnostics: [Diagnostic] = []
        timing.measure("suppressions") {
            for source in sources {
                let scan = InlineSuppressionScanner.scan(source, knownRules: ids)
                inline += scan.suppressions
                diagnostics += scan.diagnostics
            }
        }
        if !diagnostics.isEmpty { return .failure(LoadFailure(diagnostics: diagnostics.sorted())) }

        let analysis = timing.measure("graph") { GraphAnalysis(topology) }
        let analyzer = Analyzer(configuration: configuration)
        var findings = analyzer.run(analysis) { rule, check in timing.measure("rule \(rule)", check) }
        let ran = Set(analyzer.rules.map { $0.description.id }.filter(configuration.isEnabled))
        findings = SuppressionEngine(inline: inline, configuration: configuration, ranRules: ran).apply(to: findings)
        if let relocation { findings = relocation.apply(to: findings) }
        var fixed: [Baseline.Entry] = []
        if let baseline {
            (findings, fixed) = baseline.apply(to: findings)
        }
        let rules = analyzer.rules.map { $0.description }.filter { configuration.isEnabled($0.id) }
        var reported = topology
        if let relocation { reported.files = relocation.files }
        return .success(Report(topology: reported, findings: findings, rules: rules, failOn: failOn,
                               baselineUsed: baseline != nil, fixed: fixed))
    }
}

/// Where the findings of a generated topology really belong: a map from
/// positions in the generated file to positions in its sources, and the
/// source files the report lists in its place.
public struct Relocation: Sendable {
    public var files: [String]
    public var location: @Sendable (SourceLocation) -> SourceLocation

    public init(files: [String], location: @escaping @Sendable (SourceLocation) -> SourceLocation) {
        self.files = files
        self.location = location
    }

    /// The findings with their locations (and their suppressions' locations) moved, in report order again.
    func apply(to findings: [Finding]) -> [Finding] {
        Finding.sortedInReportOrder(findings.map { finding in
            var moved = finding
            moved.location = location(finding.location)
            if let suppression = finding.suppression {
                moved.suppression = Suppression(kind: suppression.kind, reason: suppression.reason, location: location(suppression.location))
            }
            return moved
        })
    }
}

/// Stage timings for `--timings`: a closure that receives each stage's name
/// and duration, or nothing at all.
public struct Timing: Sendable {
    let clock: (@Sendable () -> UInt64)?
    let record: (@Sendable (String, UInt64) -> Void)?

    public static let none = Timing(clock: nil, record: nil)

    public init(clock: (@Sendable () -> UInt64)?, record: (@Sendable (String, UInt64) -> Void)?) {
        self.clock = clock
        self.record = record
    }

    @discardableResult
    public func measure<T>(_ stage: String, _ body: () -> T) -> T {
        guard let clock, let record else { return body() }
        let start = clock()
        let result = body()
        record(stage, clock() - start)
        return result
    }
}
