public struct ExternalCallInRequestPathRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "external-call-in-request-path",
        name: "External call in request path",
        summary: "A request path from an entrypoint calls an external service synchronously, and not `optional`.",
        severity: .note,
        rationale: """
        A third-party API is outside your control: its outages, rate limits, slow days and deploys become yours. \
        When a user's checkout waits on a payment provider that takes 10 s instead of 300 ms, every thread on \
        the way (frontend, checkout, payments) is held for those 10 s, and the whole path's capacity drops to a \
        thirtieth. Knowing which entries depend on a third party, and through which services, is the first step \
        to containing it.
        """,
        triggers: """
        An entry from which a chain of sync calls, none of them `optional: true`, reaches an external service. \
        One finding per entry, naming the nearest such external service (fewest hops, then the one declared \
        first) as `target`, with the way to it as `path`.
        """,
        fix: """
        Where the caller can do without the answer, mark the call `optional: true` and give it a fallback (a \
        cached value, a default, a degraded page). Where it cannot, put the external call behind a queue and \
        answer the user asynchronously, or at least give it a tight timeout and a circuit breaker (see \
        `missing-circuit-breaker`).
        """,
        triggering: [
            Example("""
            faultline: 1
            services:
              ↓frontend:
                entrypoint: true
                calls: [{ to: checkout }]
              checkout:
                calls: [{ to: payments }, { to: geo, optional: true }]
              payments:
                calls: [{ to: stripe, circuit_breaker: true }]
              geo:
                calls: [{ to: mapbox }]
              stripe: { external: true }
              mapbox: { external: true }
            """),
        ],
        nonTriggering: [
            Example("""
            faultline: 1
            services:
              frontend:
                entrypoint: true
                calls: [{ to: checkout }]
              checkout:
                calls: [{ to: payments, optional: true }]
              payments:
                calls: [{ to: stripe, circuit_breaker: true }]
              stripe: { external: true }
            """),
        ]
    )

    public func check(_ context: RuleContext) -> [Finding] {
        let analysis = context.analysis
        return analysis.entries.compactMap { entry in
            guard let hops = analysis.externalReach.distance[entry], hops > 0,
                  let external = analysis.externalReach.external[entry],
                  let route = analysis.pathToNearestExternal(from: entry) else { return nil }
            let path = route.map { context.serviceName($0) }
            let name = context.serviceName(external)
            var finding = context.finding(
                "a request to \(context.nodeLabel(entry)) waits on \(name), an external service outside this system's control: \(path.joined(separator: " → ")); its outages and slow days become this request's — make a call on the way 'optional: true' with a fallback, or move \(name) behind a queue",
                onNode: entry, path: path)
            finding.target = name
            return finding
        }
    }
}
