import FaultlineModel

public struct MissingTimeoutRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "missing-timeout",
        name: "Missing timeout",
        summary: "A synchronous call has no timeout, neither its own nor from `defaults`.",
        severity: .error,
        rationale: """
        A call without a timeout waits as long as the callee takes. When the callee slows down (a long GC pause, \
        a saturated database, a network partition that drops packets instead of refusing them), every request \
        that reaches the call parks a thread, a connection and its memory in the caller. At 200 requests per \
        second and a callee that hangs for 30 s, that is 6 000 requests in flight: the caller's pools run dry \
        and it fails too, and so does everything that calls it. One slow service becomes an outage of the whole path.
        """,
        triggers: """
        A sync call whose effective timeout is missing: the call sets no `timeout:` and its file's `defaults` sets \
        none, or the call switches the default off with `timeout: none`.
        """,
        fix: """
        Set `timeout:` on the call, sized from the callee's latency under load (its p99.9 plus a margin), or set \
        one for every call in `defaults:`. Where waiting without bound is deliberate (a streaming call, say), keep \
        `timeout: none` and suppress the finding with a reason.
        """,
        triggering: [
            Example("""
            faultline: 1
            services:
              frontend:
                calls:
                  - to: ↓checkout
                    retry: none
              checkout: {}
            """),
            Example("""
            faultline: 1
            defaults:
              timeout: 1s
            services:
              frontend:
                calls:
                  - to: checkout
                  - to: ↓search
                    timeout: none
              checkout: {}
              search: {}
            """),
        ],
        nonTriggering: [
            Example("""
            faultline: 1
            services:
              frontend:
                calls:
                  - to: checkout
                    timeout: 800ms
              checkout: {}
            """),
            Example("""
            faultline: 1
            defaults:
              timeout: 2s
            services:
              frontend:
                calls:
                  - to: checkout
              checkout: {}
            """),
        ]
    )

    /// Milliseconds at 50 000 services (see `Rule.weight`).
    public static let weight = 10

    public func check(_ context: RuleContext) -> [Finding] {
        // Messages are made as the report reads them (see `MessageSource`); the subject is the call.
        context.findingsOnCalls(message: { Self.message(call: $0, context: context) }) { $0.timeout == nil }
    }

    private static func message(call: Call, context: RuleContext) -> Message {
        let caller = context.callerLabel(call), target = context.targetLabel(call)
        let cause = call.timeoutSource == .disabled
            ? "with 'timeout: none', switching the default timeout off"
            : "with no timeout"
        return "\(caller) calls \(target) synchronously \(cause); a slow \(context.name(of: call.target)) holds \(context.name(of: call.caller))'s threads and connections until they run out — set 'timeout:' on the call or in 'defaults'"
    }
}
