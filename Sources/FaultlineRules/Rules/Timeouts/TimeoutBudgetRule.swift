import FaultlineModel

public struct TimeoutBudgetRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "timeout-budget",
        name: "Timeout budget exceeded",
        summary: "A service's own `timeout` is shorter than the worst-case time of the calls one request to it makes.",
        severity: .warning,
        rationale: """
        A service's `timeout` is its budget for one inbound request. In the example checkout allows itself 2 s, \
        but its calls may take 1 s for inventory plus 2 × 800 ms + 100 ms of backoff for payments = 2.7 s. \
        Whenever the dependencies are slow, checkout's own deadline fires while it still waits on them: the \
        request fails anyway, but only after the retries have added their load, and the work already done \
        (an inventory reservation) is left to clean up.
        """,
        triggers: """
        A service with its own `timeout` that is shorter than the worst-case time of one request to its slowest \
        operation: sequential calls add up (times `per_request`), `parallel: true` calls count the slowest, each \
        call's worst case is `timeout × max_attempts` plus backoff delays. One finding per service, at its key. \
        Calls without a timeout are left out (see `missing-timeout`).
        """,
        fix: """
        Fit the calls into the budget: fewer retries, shorter per-attempt timeouts, independent calls made \
        `parallel: true`; or raise the service's timeout if the budget was simply set too tight (and check its \
        callers' timeouts with `timeout-inversion`).
        """,
        triggering: [
            Example("""
            faultline: 1
            services:
              ↓checkout:
                timeout: 2s
                calls:
                  - { to: inventory, timeout: 1s, retry: none }
                  - to: payments
                    timeout: 800ms
                    retry: { max_attempts: 2, backoff: fixed, base: 100ms }
                    idempotent: true
              inventory: {}
              payments: {}
            """),
        ],
        nonTriggering: [
            Example("""
            faultline: 1
            services:
              checkout:
                timeout: 2s
                calls:
                  - { to: inventory, timeout: 1s, retry: none, parallel: true }
                  - to: payments
                    timeout: 800ms
                    retry: { max_attempts: 2, backoff: fixed, base: 100ms }
                    idempotent: true
                    parallel: true
              inventory: {}
              payments: {}
            """),
        ]
    )

    /// Milliseconds at 50 000 services (see `Rule.weight`).
    public static let weight = 3

    public func check(_ context: RuleContext) -> [Finding] {
        let analysis = context.analysis
        // Messages are made as the report reads them (see `MessageSource`):
        // the service, and its slowest operation.
        let messages = MessageSource { subject in
            let node = subject.second, time = analysis.worstCaseTimes.perNode[node]
            let budget = context.topology.services[subject.first].timeout ?? .zero
            return "\(context.name(of: subject.first)) allows itself \(budget) per request, but one request to \(context.nodeLabel(node)) can take \(time) in calls (\(context.worstCaseBreakdown(of: node))); its deadline fires while it still waits — cut retries and per-attempt timeouts, run independent calls in parallel, or raise the budget"
        }
        var findings: [Finding] = []
        for id in context.topology.services.indices {
            guard let budget = context.topology.services[id].timeout else { continue }
            var slowest: (node: Int, time: Duration)?
            for node in analysis.requests.nodes(of: id) {
                let time = analysis.worstCaseTimes.perNode[node]
                if slowest.map({ time > $0.time }) ?? true { slowest = (node, time) }
            }
            guard let slowest, budget < slowest.time else { continue }
            findings.append(context.finding(onService: id, subject: .init(id, slowest.node), source: messages))
        }
        return findings
    }
}
