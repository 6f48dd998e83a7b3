import FaultlineModel

public struct MissingCircuitBreakerRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "missing-circuit-breaker",
        name: "Missing circuit breaker",
        summary: "A synchronous call to an external service has no circuit breaker.",
        severity: .warning,
        rationale: """
        A third party fails on its own schedule, and a timeout alone does not protect the caller from it: every \
        request still waits the full timeout before it fails. If the provider starts hanging behind a 10 s \
        timeout, at 50 requests per second 500 of them are waiting on it at any moment, holding threads, \
        connections and memory, and retries add more — the caller runs out of capacity for the requests that do \
        not even need the provider. A circuit breaker counts the failures and, past a threshold, fails calls at \
        once for a while (`open_for`), so the caller drops the dead dependency without waiting, serves a \
        fallback, and probes until it recovers.
        """,
        triggers: """
        A sync call to a service marked `external: true` whose effective circuit breaker is missing: the call \
        sets no `circuit_breaker:` and its file's `defaults` sets none, or the call switches the default off \
        with `circuit_breaker: false`. Calls to services inside the system are not checked.
        """,
        fix: """
        Set `circuit_breaker:` on the call — `true`, or `{ failure_threshold: 5, open_for: 30s }` to state the \
        numbers — or once for every call in `defaults:`. Decide what the caller does while the breaker is open: \
        a cached answer, a queued retry, or `optional: true` where it can do without.
        """,
        triggering: [
            Example("""
            faultline: 1
            services:
              payments-api:
                calls:
                  - to: ↓stripe
                    timeout: 10s
              stripe:
                external: true
            """),
            Example("""
            faultline: 1
            defaults:
              timeout: 2s
              circuit_breaker: true
            services:
              payout-worker:
                calls:
                  - to: bank-api
                  - to: ↓bank-api
                    timeout: 10s
                    circuit_breaker: false
              bank-api:
                external: true
            """),
        ],
        nonTriggering: [
            Example("""
            faultline: 1
            defaults:
              timeout: 2s
              circuit_breaker: true
            services:
              payments-api:
                calls:
                  - to: stripe
                  - to: ledger
                    circuit_breaker: false
              ledger: {}
              stripe:
                external: true
            """),
            Example("""
            faultline: 1
            services:
              payments-api:
                calls:
                  - to: stripe
                    timeout: 10s
                    circuit_breaker: { failure_threshold: 5, open_for: 30s }
              stripe:
                external: true
            """),
        ]
    )

    /// Milliseconds at 50 000 services (see `Rule.weight`).
    public static let weight = 3

    public func check(_ context: RuleContext) -> [Finding] {
        let topology = context.topology
        // One pass over the services, then a small table per call: reading
        // the flag in each target's (large) record was a cache miss per call.
        let services = topology.services
        let isExternal = services.indices.map { services[$0].external }
        guard isExternal.contains(true) else { return [] }
        // Messages are made as the report reads them (see `MessageSource`); the subject is the call.
        return context.findingsOnCalls(message: { Self.message(call: $0, context: context) }) { call in
            isExternal[call.target] && call.circuitBreaker == nil
        }
    }

    private static func message(call: Call, context: RuleContext) -> Message {
        let target = context.name(of: call.target)
        let cause = call.circuitBreakerSource == .disabled
            ? "with 'circuit_breaker: false', switching the default circuit breaker off"
            : "with no circuit breaker"
        let wait = call.timeout.map { "still waits the full \($0) timeout" } ?? "waits on it without bound (the call has no timeout either)"
        return "\(context.callerLabel(call)) calls \(context.targetLabel(call)), an external service, \(cause); when \(target) slows down or fails, every call \(wait) instead of failing fast, and \(context.name(of: call.caller))'s threads pile up behind it — set 'circuit_breaker:' on the call or in 'defaults'"
    }
}
