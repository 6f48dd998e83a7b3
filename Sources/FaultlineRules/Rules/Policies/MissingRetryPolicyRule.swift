public struct MissingRetryPolicyRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "missing-retry-policy",
        name: "Missing retry policy",
        summary: "A synchronous call states no retry policy, neither its own nor from `defaults`.",
        severity: .warning,
        rationale: """
        Whether a call is retried is a decision with consequences either way. Without a policy, what happens \
        depends on the client library and its version: one quietly retries three times with no backoff (and \
        triples the load on a struggling callee), another never retries (and turns every dropped connection \
        during a deploy into a user-facing error). A stated policy makes the behaviour reviewable, and the other \
        rules (`retry-amplification`, `non-idempotent-retry`) can check it.
        """,
        triggers: """
        A sync call with no `retry:` of its own and none in its file's `defaults`. `retry: none` is a stated \
        policy and does not trigger.
        """,
        fix: """
        State the policy on the call or in `defaults:`: `retry: none` where the caller must not repeat the call, \
        or `retry: { max_attempts: 2, backoff: exponential, base: 100ms, jitter: true }` for idempotent calls. \
        Retry at one layer only, usually the one closest to the user.
        """,
        triggering: [
            Example("""
            faultline: 1
            services:
              frontend:
                calls:
                  - to: ↓catalog
                    timeout: 500ms
              catalog: {}
            """),
        ],
        nonTriggering: [
            Example("""
            faultline: 1
            services:
              frontend:
                calls:
                  - to: catalog
                    retry: none
              catalog: {}
            """),
            Example("""
            faultline: 1
            defaults:
              retry: { max_attempts: 2, backoff: exponential, base: 100ms, jitter: true }
            services:
              frontend:
                calls:
                  - to: catalog
              catalog: {}
            """),
        ]
    )

    public func check(_ context: RuleContext) -> [Finding] {
        context.topology.calls.compactMap { call in
            guard call.retry == .unset else { return nil }
            return context.finding(
                "\(context.callerLabel(call)) calls \(context.targetLabel(call)) with no retry policy, so the client library decides whether a failed call is repeated — state 'retry: none' or a policy such as '{ max_attempts: 2, backoff: exponential, jitter: true }' on the call or in 'defaults'",
                onCall: call)
        }
    }
}
