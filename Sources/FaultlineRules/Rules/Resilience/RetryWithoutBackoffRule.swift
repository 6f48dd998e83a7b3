import FaultlineModel

public struct RetryWithoutBackoffRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "retry-without-backoff",
        name: "Retry without backoff",
        summary: "A retry policy repeats failed attempts back to back (or with backoff but no jitter, as a note).",
        severity: .warning,
        rationale: """
        Most failures worth retrying are overload: a callee that is slow, out of connections or shedding load. \
        Retrying at once adds load exactly when it hurts most. With `max_attempts: 5` and no backoff, a 1-second \
        blip in which every call fails turns 1 000 requests per second into up to 5 000 in that second, and a \
        callee that was about to recover is pushed over again — the retries keep the outage going. Backoff \
        spaces the attempts out (100 ms, 200 ms, 400 ms…) and gives the callee room to recover. Without jitter, \
        though, every client that failed at the same moment retries at the same moment: 1 000 failures at \
        12:00:00.000 come back as 1 000 retries at 12:00:00.100 and again at 12:00:00.300, synchronized waves \
        that look like a new outage. Jitter (a random part of each delay) spreads them out.
        """,
        triggers: """
        A retry policy with `max_attempts` above 1 and `backoff: none` (the default when `backoff:` is left out) \
        is a warning. A policy with `backoff: fixed` or `exponential` but without `jitter: true` is a note. \
        The rule checks the effective policy of every sync call — its own `retry:`, or the one from its file's \
        `defaults` — on the call's `to:`, and every consumer's own `retry:` on its `from:`. `retry: none` and \
        `max_attempts: 1` do not retry and never trigger.
        """,
        fix: """
        Back off exponentially, with jitter and a cap: \
        `retry: { max_attempts: 3, backoff: exponential, base: 100ms, max: 2s, jitter: true }`, with `base:` \
        near the callee's typical latency. Where a `fixed` or `exponential` policy lacks only jitter, add \
        `jitter: true`. Keep `max_attempts` low: the delays add to the caller's worst-case time.
        """,
        triggering: [
            Example("""
            faultline: 1
            services:
              checkout:
                calls:
                  - to: ↓payments
                    timeout: 1s
                    retry: { max_attempts: 5 }
                  - to: ↓inventory
                    timeout: 500ms
                    retry: { max_attempts: 3, backoff: exponential, base: 100ms }
              payments: {}
              inventory: {}
            """),
            Example("""
            faultline: 1
            defaults:
              timeout: 1s
              retry: { max_attempts: 3, backoff: none }
            services:
              frontend:
                calls:
                  - to: ↓catalog
              catalog: {}
              emailer:
                consumes:
                  - from: ↓order-events
                    dlq: order-events-dlq
                    retry: { max_attempts: 5, backoff: fixed, base: 1s }
            channels:
              order-events: { broker: kafka }
              order-events-dlq: { broker: kafka }
            """),
        ],
        nonTriggering: [
            Example("""
            faultline: 1
            defaults:
              timeout: 1s
              retry: { max_attempts: 3 }
            services:
              checkout:
                calls:
                  - to: payments
                    retry: none
                  - to: inventory
                    retry: { max_attempts: 1 }
                  - to: pricing
                    retry: { max_attempts: 3, backoff: exponential, base: 100ms, max: 2s, jitter: true }
              payments: {}
              inventory: {}
              pricing: {}
              emailer:
                consumes:
                  - from: order-events
                    dlq: order-events-dlq
                    retry: { max_attempts: 5, backoff: fixed, base: 1s, jitter: true }
            channels:
              order-events: { broker: kafka }
              order-events-dlq: { broker: kafka }
            """),
        ]
    )

    /// Milliseconds at 50 000 services (see `Rule.weight`).
    public static let weight = 14

    public func check(_ context: RuleContext) -> [Finding] {
        let topology = context.topology
        var findings: [Finding] = []
        // Messages about calls are made as the report reads them (see `MessageSource`); the subject is the call.
        findings += context.findingsOnCalls(message: { Self.message(call: $0, context: context) },
                                            severity: { $0.retry.retryingPolicy?.backoff == Backoff.none ? nil : .note }) { call in
            guard let policy = call.retry.retryingPolicy else { return false }
            return policy.backoff == .none || !policy.jitter
        }
        findings += context.findingsOnConsumers { service, consumer in
            guard let policy = consumer.retry.retryingPolicy, policy.backoff == .none || !policy.jitter else { return nil }
            let name = context.name(of: service), channel = topology.channels[consumer.channel].name
            if policy.backoff == .none {
                return context.finding(
                    "\(name) retries a failing message from \(channel) up to \(policy.maxAttempts) times with no backoff; when it fails because a dependency is overloaded, the retries hit that dependency again at once, up to \(policy.maxAttempts)× the load — add 'backoff: exponential' and 'jitter: true' to the consumer's retry policy",
                    onConsumer: consumer, of: service)
            }
            return context.finding(
                "\(name) retries a failing message from \(channel) up to \(policy.maxAttempts) times with \(Self.describe(policy)) but no jitter; messages that failed together in an outage are retried together, in synchronized waves — add 'jitter: true' to the consumer's retry policy",
                onConsumer: consumer, of: service, severity: .note)
        }
        return findings
    }

    private static func message(call: Call, context: RuleContext) -> Message {
        guard case .policy(let policy) = call.retry else { return "" }
        let target = context.name(of: call.target)
        let source = call.retrySource == .defaults ? " (retry policy from 'defaults')" : ""
        if policy.backoff == .none {
            return "\(context.callerLabel(call)) calls \(context.targetLabel(call)) with up to \(policy.maxAttempts) attempts and no backoff between them\(source); when \(target) fails under load the retries arrive at once and multiply its load up to \(policy.maxAttempts)× — add 'backoff: exponential' and 'jitter: true' to the retry policy"
        }
        return "\(context.callerLabel(call)) calls \(context.targetLabel(call)) with up to \(policy.maxAttempts) attempts and \(Self.describe(policy)) but no jitter\(source); callers that failed together retry together, in synchronized waves that hit \(target) as it recovers — add 'jitter: true' to the retry policy"
    }

    /// "exponential backoff (base 100ms, max 2s)" or "fixed backoff (1s)".
    private static func describe(_ policy: RetryPolicy) -> String {
        switch policy.backoff {
        case .none: return "no backoff"
        case .fixed: return "fixed backoff (\(policy.max.map { Swift.min(policy.base, $0) } ?? policy.base))"
        case .exponential: return "exponential backoff (base \(policy.base)\(policy.max.map { ", max \($0)" } ?? ""))"
        }
    }
}
