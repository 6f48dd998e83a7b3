public struct ChattyCallsRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "chatty-calls",
        name: "Chatty calls",
        summary: "A call is made too many times per request, or one entry request causes too many sync calls in all.",
        severity: .warning,
        thresholds: [
            Threshold("max_per_request", default: 5, minimum: 1, summary: "times one call may be made per inbound request"),
            Threshold("max_calls_per_request", default: 30, minimum: 1, summary: "sync calls one entry request may cause in all"),
        ],
        rationale: """
        A call made in a loop (one lookup per cart item, one price per product on the page) multiplies load on \
        the callee by the loop's length, and the multiplication compounds down the path: 8 lookups that each \
        make 4 calls are 32 requests for one page view. Peak traffic is then not 2× normal on the lower \
        services but 2× of an already amplified load, and latency grows with the longest loop, not with the \
        user's request.
        """,
        triggers: """
        Either form: a sync call with `per_request` above `max_per_request`; or an entry whose one inbound request \
        causes more than `max_calls_per_request` sync calls in all, counting each call's `per_request` times \
        (1 + what its target causes), so loops multiply down the path. Calls into a cycle count each member's \
        calls once; a call without `operation:` counts the target's largest operation; a call to an external \
        service counts once.
        """,
        fix: """
        Batch: replace N lookups with one call that takes a list (`GetPrices(ids)`), or load the data once and \
        pass it down. For totals, find the call whose `per_request` multiplies the most and batch it first.
        """,
        triggering: [
            Example("""
            faultline: 1
            services:
              frontend:
                entrypoint: true
                calls:
                  - to: ↓catalog
                    per_request: 8
              catalog: {}
            """),
            Example("""
            faultline: 1
            services:
              ↓storefront:
                entrypoint: true
                calls:
                  - { to: cart, per_request: 4 }
              cart:
                calls:
                  - { to: pricing, per_request: 3 }
                  - { to: stock, per_request: 5 }
              pricing: {}
              stock: {}
            """),
        ],
        nonTriggering: [
            Example("""
            faultline: 1
            services:
              storefront:
                entrypoint: true
                calls:
                  - { to: cart, per_request: 2 }
              cart:
                calls:
                  - { to: pricing, per_request: 5 }
                  - { to: stock, per_request: 5 }
              pricing: {}
              stock: {}
            """),
        ]
    )

    public func check(_ context: RuleContext) -> [Finding] {
        let analysis = context.analysis
        let perCallLimit = context.threshold("max_per_request")
        let totalLimit = context.threshold("max_calls_per_request")
        var findings: [Finding] = []
        for call in context.topology.calls where call.perRequest > perCallLimit {
            findings.append(context.finding(
                "\(context.callerLabel(call)) calls \(context.targetLabel(call)) \(call.perRequest) times per request (per_request: \(call.perRequest)), more than \(perCallLimit); the load on \(context.name(of: call.target)) grows with the loop — batch the calls into one that takes a list",
                onCall: call))
        }
        for entry in analysis.entries {
            let total = analysis.paths.callTotal[analysis.component(of: entry)]
            guard total > totalLimit else { continue }
            let count = total == Int.max ? "more than \(Int.max)" : String(total)
            findings.append(context.finding(
                "one request to \(context.nodeLabel(entry)) causes \(count) synchronous calls in all, more than \(totalLimit); per_request multiplies down the path, so peaks hit the lower services many times over — batch the calls that repeat, or load shared data once",
                onNode: entry))
        }
        return findings
    }
}
