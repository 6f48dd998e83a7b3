public struct SyncFanOutRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "sync-fan-out",
        name: "Synchronous fan-out",
        summary: "One operation (or a service without operations) calls too many distinct services synchronously.",
        severity: .warning,
        thresholds: [Threshold("max_targets", default: 4, minimum: 1, summary: "distinct services one operation may call synchronously")],
        rationale: """
        A request that must hear back from many services is only as available and as fast as the worst of them. \
        With six dependencies at 99.9 % availability each, the operation is at most 99.4 % available; its latency \
        is the slowest answer (in parallel) or the sum (in sequence); and its p99 is dominated by whichever \
        dependency is having a bad minute. Fan-out also ties the operation's deploys and incidents to every team \
        it calls.
        """,
        triggers: """
        The calls of one operation — the service's direct calls plus the operation's own — reach more than \
        `max_targets` distinct services. A service without operations is checked as one operation. Calls to \
        itself do not count.
        """,
        fix: """
        Ask which answers the request really needs now. Move the rest to events the caller publishes; read \
        slow-changing data from a local copy kept up to date by events; or put an aggregating service in front \
        of a group of related calls. Calls that stay should be `parallel: true` and, where the caller can \
        degrade, `optional: true`.
        """,
        triggering: [
            Example("""
            faultline: 1
            services:
              ↓checkout:
                calls:
                  - to: cart
                  - to: pricing
                  - to: inventory
                  - to: payments
                  - to: shipping
              cart: {}
              pricing: {}
              inventory: {}
              payments: {}
              shipping: {}
            """),
            Example("""
            faultline: 1
            services:
              checkout:
                calls:
                  - to: cart
                  - to: pricing
                operations:
                  ↓PlaceOrder:
                    calls:
                      - to: inventory
                      - to: payments
                  Quote:
                    calls:
                      - to: pricing
              cart: {}
              pricing: {}
              inventory: {}
              payments: {}
            """, thresholds: ["max_targets": 3]),
        ],
        nonTriggering: [
            Example("""
            faultline: 1
            services:
              checkout:
                calls:
                  - to: cart
                  - to: pricing
                  - to: pricing
                  - to: checkout
                  - to: payments
                  - to: inventory
              cart: {}
              pricing: {}
              inventory: {}
              payments: {}
            """),
        ]
    )

    /// Milliseconds at 50 000 services (see `Rule.weight`).
    public static let weight = 20

    public func check(_ context: RuleContext) -> [Finding] {
        let topology = context.topology
        // Taken out of the analysis and the topology once: every rule reads
        // them at the same time, and a reference count bumped per node from
        // two cores is one cache line the cores take from each other.
        let requests = context.analysis.requests, names = context.analysis.names
        let nodeService = requests.nodeService, nodeCalls = requests.nodeCalls, calls = topology.calls
        let limit = context.threshold("max_targets")
        var findings: [Finding] = []
        // Stamps instead of a set per node: linear in calls, nothing to clear.
        var seenAt = Array(repeating: -1, count: topology.services.count)
        var targets: [Int] = []
        for node in 0..<requests.nodeCount {
            let caller = nodeService[node]
            targets.removeAll(keepingCapacity: true)
            for slot in requests.callSlots(of: node) {
                let target = calls[nodeCalls[slot]].target
                guard target != caller, seenAt[target] != node else { continue }
                seenAt[target] = node
                targets.append(target)
            }
            guard targets.count > limit else { continue }
            findings.append(context.finding(
                "\(context.nodeLabel(node)) calls \(targets.count) services synchronously (\(joined: targets.lazy.map { names.service($0) })), more than \(limit); each one's latency and failures land on every request — publish events for what need not be answered now, or aggregate related calls behind one service",
                onNode: node))
        }
        return findings
    }
}
