import FaultlineModel

public struct TimeoutInversionRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "timeout-inversion",
        name: "Timeout inversion",
        summary: "A caller gives up before its callee can finish: the call's timeout is shorter than the callee's worst case or own timeout.",
        severity: .warning,
        rationale: """
        In the example frontend waits 1 s for checkout, but checkout may spend 3 × 2 s + 300 ms of backoff = \
        6.3 s calling payments. When payments is slow, frontend gives up after 1 s and (often) retries, while \
        checkout keeps working on the abandoned request for another 5.3 s. The work is wasted, the load on \
        checkout and payments grows with every retry from above, and the user sees an error for a request that \
        may still succeed — a payment taken twice, say.
        """,
        triggers: """
        A sync call whose timeout is shorter than the worst-case time of the operation it reaches (the named \
        one, or the target's slowest) — sequential calls add up (times `per_request`), `parallel: true` calls \
        count the slowest, each call's worst case is `timeout × max_attempts` plus backoff delays — or shorter \
        than the target's own `timeout`. Calls without a timeout are left out (see `missing-timeout`).
        """,
        fix: """
        Make timeouts shrink going down the path: each caller's timeout must cover what its callee may spend. \
        Usually the fix is below — fewer retries or shorter timeouts in the callee — rather than a longer wait \
        above. Propagate deadlines (gRPC deadlines, a request-deadline header) so the callee stops when the \
        caller has given up.
        """,
        triggering: [
            Example("""
            faultline: 1
            services:
              frontend:
                calls:
                  - to: ↓checkout
                    timeout: 1s
                    retry: none
              checkout:
                calls:
                  - to: payments
                    timeout: 2s
                    retry: { max_attempts: 3, backoff: exponential, base: 100ms, jitter: true }
                    idempotent: true
              payments: {}
            """),
            Example("""
            faultline: 1
            services:
              frontend:
                calls:
                  - { to: ↓search, timeout: 500ms, retry: none }
              search:
                timeout: 2s
            """),
        ],
        nonTriggering: [
            Example("""
            faultline: 1
            services:
              frontend:
                calls:
                  - to: checkout
                    timeout: 7s
                    retry: none
              checkout:
                timeout: 6500ms
                calls:
                  - to: payments
                    timeout: 2s
                    retry: { max_attempts: 3, backoff: exponential, base: 100ms, jitter: true }
                    idempotent: true
                  - { to: fraud, timeout: 200ms, parallel: true, retry: none }
                  - { to: tax, timeout: 100ms, parallel: true, retry: none }
              payments: {}
              fraud: {}
              tax: {}
            """),
        ]
    )

    /// Milliseconds at 50 000 services (see `Rule.weight`).
    public static let weight = 95

    public func check(_ context: RuleContext) -> [Finding] {
        let analysis = context.analysis
        var findings: [Finding] = []
        // Many calls reach the same operation: explain each one once.
        let breakdowns = Breakdowns(nodeCount: analysis.requests.nodeCount)
        // Messages are made as the report reads them (see `MessageSource`):
        // the call, and the operation it reaches (-1 for the target's own timeout).
        let messages = MessageSource { subject in Self.message(subject, context: context, breakdowns: breakdowns) }
        for (id, call) in context.topology.calls.enumerated() {
            guard let timeout = call.timeout else { continue }
            var slowest: (node: Int, time: Duration)?
            for node in analysis.requests.targetNodes(of: call) {
                let time = analysis.worstCaseTimes.perNode[node]
                if slowest.map({ time > $0.time }) ?? true { slowest = (node, time) }
            }
            if let slowest, timeout < slowest.time {
                if breakdowns.byNode[slowest.node] == nil {
                    breakdowns.byNode[slowest.node] = context.worstCaseBreakdown(of: slowest.node).trimmed()
                }
                findings.append(context.finding(onCall: call, subject: .init(id, slowest.node), source: messages))
            } else if let budget = context.topology.services[call.target].timeout, timeout < budget {
                findings.append(context.finding(onCall: call, subject: .init(id, -1), source: messages))
            }
        }
        return findings
    }

    /// The worst-case breakdowns of the operations reached, filled while the
    /// rule runs and only read after (see `MessageSource`).
    private final class Breakdowns: @unchecked Sendable {
        var byNode: [Message?]
        init(nodeCount: Int) { byNode = Array(repeating: nil, count: nodeCount) }
    }

    private static func message(_ subject: MessageSource.Subject, context: RuleContext, breakdowns: Breakdowns) -> Message {
        let call = context.topology.calls[subject.first]
        let timeout = call.timeout ?? .zero
        let caller = context.callerLabel(call), target = context.name(of: call.target)
        if subject.second >= 0 {
            let node = subject.second
            let time = context.analysis.worstCaseTimes.perNode[node]
            let breakdown = breakdowns.byNode[node] ?? context.worstCaseBreakdown(of: node)
            return "\(caller) waits \(timeout) for \(context.targetLabel(call)), but one request to \(context.nodeLabel(node)) can take \(time) in calls (\(breakdown)); \(context.name(of: call.caller)) gives up while \(target) keeps working for it — shrink \(target)'s timeouts and retries, or wait at least \(time)"
        }
        let budget = context.topology.services[call.target].timeout ?? .zero
        return "\(caller) waits \(timeout) for \(context.targetLabel(call)), but \(target) allows itself \(budget) per request; \(context.name(of: call.caller)) gives up while \(target) keeps working for it — wait at least \(budget), or lower \(target)'s timeout"
    }
}
