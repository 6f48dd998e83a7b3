public import FaultlineYAML
public import FaultlineModel
import FaultlineGraph
public import FaultlineRules
import Dispatch

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
    /// The sources are consumed: a caller that hands over its only copy lets
    /// the file bytes go as soon as they are parsed.
    public func run(_ sources: consuming [SourceFile], timing: Timing = .none, relocation: Relocation? = nil) -> Result<Report, LoadFailure> {
        var files = consume sources
        let ids = RuleCatalog.all.map { $0.description.id }
        var inline: [InlineSuppression] = []
        var diagnostics: [Diagnostic] = []
        timing.measure("suppressions") {
            for source in files {
                let scan = InlineSuppressionScanner.scan(source, knownRules: ids)
                inline += scan.suppressions
                diagnostics += scan.diagnostics
            }
        }
        // The node trees live only until the topology is loaded: on a large
        // file they are the biggest thing in memory before the findings.
        let fileNames = files.map(\.name)
        let parsed = timing.measure("parse") { files.map { $0.parse(limits: limits) } }
        files = []
        let loaded = timing.measure("load") { TopologyLoader.load(parsed, fileNames: fileNames) }
        // Unmapping a large file's node trees takes the main thread 15–20 ms
        // at 50 000 services; a worker does it while the graph is built.
        releaseInBackground(consume parsed)
        let topology: Topology
        switch consume loaded {
        case .success(let value): topology = value
        case .failure(let failure): return .failure(failure)
        }
        // Problems in suppression comments come after the topology's own, as before.
        if !diagnostics.isEmpty { return .failure(LoadFailure(diagnostics: diagnostics.sorted())) }

        let analyzer = Analyzer(configuration: configuration)
        let analysis = timing.measure("graph") { GraphAnalysis(topology) }
        // The rules run side by side; each one's own time is listed under the stage.
        var checked = timing.measure("rules (all, in parallel)") { analyzer.run(analysis, clock: timing.clock) }
        // Freed while the findings are sorted, the peak of memory: kept
        // until after the sort, the graph tables raised it by 4-5 MiB.
        releaseInBackground(consume analysis)
        for (rule, nanoseconds) in checked.durations { timing.record?("rule \(rule)", nanoseconds) }
        // Counted while sorting; suppressions and a baseline change how
        // findings stand, and the report then counts them again.
        var counts = Finding.Counts()
        var findings = timing.measure("sort") { Finding.sortedInReportOrder(releasing: &checked.findings, counting: &counts) }
        let ran = Set(analyzer.rules.map { $0.description.id }.filter(configuration.isEnabled))
        let suppressions = SuppressionEngine(inline: inline, configuration: configuration, ranRules: ran)
        findings = timing.measure("suppress") { suppressions.apply(to: findings) }
        if let relocation { findings = relocation.apply(to: findings) }
        var fixed: [Baseline.Entry] = []
        if let baseline {
            (findings, fixed) = baseline.apply(to: findings)
        }
        let rules = analyzer.rules.map { $0.description }.filter { configuration.isEnabled($0.id) }
        let counted = suppressions.changesNothing && baseline == nil ? counts : nil
        let report = Report(topology: topology, files: relocation?.files, findings: findings, rules: rules, failOn: failOn,
                            baselineUsed: baseline != nil, fixed: fixed, counts: counted)
        // The report keeps only the topology's counts. Freeing its services,
        // calls and names one by one took the main thread 12–18 ms at 50 000
        // services; a worker does it while the report is written.
        releaseInBackground(consume topology)
        return .success(report)
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
    public let clock: (@Sendable () -> UInt64)?
    public let record: (@Sendable (String, UInt64) -> Void)?

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
