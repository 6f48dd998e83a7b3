import FaultlineModel

public struct NonIdempotentRetryRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "non-idempotent-retry",
        name: "Retry of a non-idempotent call",
        summary: "A synchronous call is retried but is not marked idempotent.",
        severity: .warning,
        rationale: """
        A timeout does not say whether the callee did the work; it says the answer did not arrive in time. \
        Retrying a call that changes something — charge a card, place an order, send an email — repeats the \
        change whenever the first attempt succeeded and only its reply was lost or late. That happens most when \
        the callee is slow, which is when timeouts fire. At 100 payments per second, if 1 % time out for one \
        minute, 60 payments are retried; with `max_attempts: 3` that is up to 120 extra charges, each one a \
        refund and a support ticket.
        """,
        triggers: """
        A sync call whose effective retry policy — its own `retry:`, or the one from its file's `defaults` — has \
        `max_attempts` above 1, and that does not set `idempotent: true`. Calls with `retry: none` or \
        `max_attempts: 1` do not trigger.
        """,
        fix: """
        Make the operation safe to repeat and say so: the caller sends an idempotency key (a request id) that the \
        callee stores with the result and answers repeats from, or the operation is naturally idempotent (a read, \
        a PUT of a whole state); then set `idempotent: true` on the call. Where that is not possible, set \
        `retry: none` on the call and leave the decision to a layer that can check what happened.
        """,
        triggering: [
            Example("""
            faultline: 1
            defaults:
              timeout: 2s
              retry: { max_attempts: 2, backoff: exponential, base: 100ms, jitter: true }
            services:
              checkout:
                calls:
                  - to: ↓payments
                    operation: Charge
                    retry: { max_attempts: 3, backoff: exponential, base: 200ms, jitter: true }
                  - to: ↓orders
              payments:
                operations:
                  Charge: {}
              orders: {}
            """),
        ],
        nonTriggering: [
            Example("""
            faultline: 1
            defaults:
              timeout: 2s
              retry: { max_attempts: 2, backoff: exponential, base: 100ms, jitter: true }
            services:
              checkout:
                calls:
                  - to: payments
                    operation: Charge
                    retry: { max_attempts: 3, backoff: exponential, base: 200ms, jitter: true }
                    idempotent: true
                  - to: orders
                    retry: none
                  - to: emailer
                    retry: { max_attempts: 1 }
              payments:
                operations:
                  Charge: {}
              orders: {}
              emailer: {}
            """),
        ]
    )

    /// Milliseconds at 50 000 services (see `Rule.weight`).
    public static let weight = 16

    public func check(_ context: RuleContext) -> [Finding] {
        // Messages are made as the report reads them (see `MessageSource`); the subject is the call.
        context.findingsOnCalls(message: { Self.message(call: $0, context: context) }) { call in
            call.retry.retryingPolicy != nil && !call.idempotent
        }
    }

    private static func message(call: Call, context: RuleContext) -> Message {
        let source = call.retrySource == .defaults ? " (retry policy from 'defaults')" : ""
        return "\(context.callerLabel(call)) calls \(context.targetLabel(call)) with up to \(call.retry.maxAttempts) attempts\(source), but the call is not marked idempotent; when an attempt times out after \(context.name(of: call.target)) did the work, a retry does it again — make the operation idempotent (an idempotency key) and set 'idempotent: true', or set 'retry: none'"
    }
}
