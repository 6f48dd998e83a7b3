public import FaultlineGraph
import Dispatch

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
        let slots = Slots(count: enabled.count)
        DispatchQueue.concurrentPerform(iterations: enabled.count) { index in
            let start = clock?() ?? 0
            let findings = enabled[index].init().check(contexts[index])
            slots.store(findings, nanoseconds: (clock?() ?? 0) - start, at: index)
        }
        let durations = clock == nil ? [] : zip(enabled, slots.nanoseconds).map { (rule: $0.description.id, nanoseconds: $1) }
        return (slots.findings, durations)
    }
}

/// One slot per rule, each written by exactly one worker and read only after
/// all of them have finished (`concurrentPerform` returns after the last).
/// Raw buffers, not arrays: writing a class's array property from two threads
/// at once is an exclusivity violation even when the elements differ.
private final class Slots: @unchecked Sendable {
    private let results: UnsafeMutableBufferPointer<[Finding]>
    private let times: UnsafeMutableBufferPointer<UInt64>

    init(count: Int) {
        results = .allocate(capacity: count)
        results.initialize(repeating: [])
        times = .allocate(capacity: count)
        times.initialize(repeating: 0)
    }

    deinit {
        results.deinitialize()
        results.deallocate()
        times.deallocate()
    }

    func store(_ result: [Finding], nanoseconds duration: UInt64, at index: Int) {
        results[index] = result
        times[index] = duration
    }

    var findings: [[Finding]] { Array(results) }
    var nanoseconds: [UInt64] { Array(times) }
}
