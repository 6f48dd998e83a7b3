public struct RetryAmplificationRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "retry-amplification",
        name: "Retry amplification",
        summary: "Retries multiply along a request path: the product of `max_attempts` exceeds `max_amplification`.",
        severity: .warning,
        thresholds: [Threshold("max_amplification", default: 10, minimum: 1, summary: "largest product of max_attempts allowed along one request path")],
        rationale: """
        Retries at several layers multiply. In the example, frontend, api and orders each try 3 times, so when \
        db-proxy fails one user request becomes 3 × 3 × 3 = 27 requests to db-proxy — at the very moment it is \
        failing, usually because it is overloaded. The retries turn a brief overload into a sustained one (a \
        retry storm), and the service cannot recover until clients give up.
        """,
        triggers: """
        An entry whose worst request path multiplies `max_attempts` (of each call's effective retry policy; \
        `retry: none` and no policy count 1) to more than `max_amplification`. One finding per entry, carrying \
        the worst path. Calls inside a cycle count factor 1; a call without `operation:` takes the target's worst \
        operation.
        """,
        fix: """
        Retry at one layer only — usually the one closest to the user, or the one just above the flaky \
        dependency — and set `retry: none` on the others. Where several layers must retry, bound the total with a \
        retry budget (for example at most 10 % extra requests) in the client library.
        """,
        triggering: [
            Example("""
            faultline: 1
            services:
              ↓frontend:
                entrypoint: true
                calls:
                  - { to: api, timeout: 3s, retry: { max_attempts: 3, backoff: exponential, jitter: true } }
              api:
                calls:
                  - { to: orders, timeout: 1s, retry: { max_attempts: 3, backoff: exponential, jitter: true } }
              orders:
                calls:
                  - { to: db-proxy, timeout: 300ms, retry: { max_attempts: 3, backoff: exponential, jitter: true } }
              db-proxy: {}
            """),
        ],
        nonTriggering: [
            Example("""
            faultline: 1
            services:
              frontend:
                entrypoint: true
                calls:
                  - { to: api, timeout: 3s, retry: { max_attempts: 3, backoff: exponential, jitter: true } }
              api:
                calls:
                  - { to: orders, timeout: 1s, retry: none }
              orders:
                calls:
                  - { to: db-proxy, timeout: 300ms, retry: { max_attempts: 3, backoff: exponential, jitter: true } }
              db-proxy: {}
            """),
        ]
    )

    public func check(_ context: RuleContext) -> [Finding] {
        let analysis = context.analysis
        let limit = context.threshold("max_amplification")
        return analysis.entries.compactMap { entry in
            let product = analysis.paths.amplification[analysis.component(of: entry)]
            guard product > limit else { return nil }
            let (services, calls) = analysis.mostAmplifiedPath(from: entry)
            let path = services.map { context.serviceName($0) }
            let factors = calls.map { context.topology.calls[$0].retry.maxAttempts }.filter { $0 > 1 }
            let total = product == Int.max ? "more than \(Int.max)" : String(product)
            let last = path.last ?? ""
            return context.finding(
                "retries multiply along a request to \(context.nodeLabel(entry)): \(path.joined(separator: " → ")); \(factors.map(String.init).joined(separator: " × ")) = \(total) attempts can reach \(last) for one request, more than \(limit) — retry at one layer only and set 'retry: none' on the others",
                onNode: entry, path: path)
        }
    }
}
