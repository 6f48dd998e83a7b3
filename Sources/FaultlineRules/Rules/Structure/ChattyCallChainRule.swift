public struct ChattyCallChainRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "chatty-call-chain",
        name: "Chatty call chain",
        summary: "A request path is longer than `max_depth` synchronous hops.",
        severity: .warning,
        thresholds: [Threshold("max_depth", default: 4, minimum: 1, summary: "sync hops a request path may take")],
        rationale: """
        Every synchronous hop adds its latency, its serialisation, its network round trip and its chance of \
        failing to the request. Six hops at 99.9 % each make a 99.4 % path; six p99s of 50 ms stack into a tail \
        the user feels. Deep chains also make timeouts impossible to size: each layer must wait longer than \
        everything below it, so the outer timeouts grow until they protect nothing.
        """,
        triggers: """
        An entry — an operation of a service marked `entrypoint: true`, or, where none is marked, of a service \
        nothing calls synchronously — whose longest request path takes more than `max_depth` sync hops. One \
        finding per entry, carrying its longest path. A cycle on the way is collapsed to one node: entering it \
        is a hop, leaving it another, moves inside it are free. Calls reach the named operation, or the target's \
        deepest one.
        """,
        fix: """
        Flatten the chain: let the entry call the service that has the answer, cache or replicate data that is \
        read on every request, or turn the lower part into events processed asynchronously.
        """,
        triggering: [
            Example("""
            faultline: 1
            services:
              ↓frontend:
                entrypoint: true
                calls: [{ to: api }]
              api:
                calls: [{ to: orders }]
              orders:
                calls: [{ to: inventory }]
              inventory:
                calls: [{ to: warehouse }]
              warehouse:
                calls: [{ to: ledger }]
              ledger: {}
            """),
            Example("""
            faultline: 1
            services:
              gateway:
                entrypoint: true
                operations:
                  ↓Checkout:
                    calls: [{ to: orders, operation: Place }]
                  Browse:
                    calls: [{ to: catalog }]
              orders:
                operations:
                  Place:
                    calls: [{ to: payments }]
              payments:
                calls: [{ to: ledger }]
              ledger: {}
              catalog: {}
            """, thresholds: ["max_depth": 2]),
        ],
        nonTriggering: [
            Example("""
            faultline: 1
            services:
              frontend:
                entrypoint: true
                calls: [{ to: api }]
              api:
                calls: [{ to: orders }]
              orders:
                calls: [{ to: inventory }]
              inventory:
                calls: [{ to: warehouse }]
              warehouse: {}
            """),
            Example("""
            faultline: 1
            services:
              frontend:
                entrypoint: true
                calls: [{ to: orders }]
              orders:
                calls: [{ to: inventory }]
              inventory:
                calls: [{ to: pricing }]
              pricing:
                calls: [{ to: orders }, { to: tax }]
              tax: {}
            """),
        ]
    )

    public func check(_ context: RuleContext) -> [Finding] {
        let analysis = context.analysis
        let limit = context.threshold("max_depth")
        return analysis.entries.compactMap { entry in
            let depth = analysis.paths.depth[analysis.component(of: entry)]
            guard depth > limit else { return nil }
            let path = analysis.longestPath(from: entry).map { context.serviceName($0) }
            let collapsed = path.count - 1 > depth ? " (a cycle on it counted once)" : ""
            return context.finding(
                "a request to \(context.nodeLabel(entry)) goes \(depth) synchronous hops deep\(collapsed), more than \(limit): \(path.joined(separator: " → ")); every hop adds latency and a way to fail — flatten the chain, cache what is read on every request, or make the lower part asynchronous",
                onNode: entry, path: path)
        }
    }
}
