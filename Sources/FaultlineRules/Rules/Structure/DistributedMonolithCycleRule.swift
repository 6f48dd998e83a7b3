public struct DistributedMonolithCycleRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "distributed-monolith-cycle",
        name: "Distributed monolith cycle",
        summary: "Services call each other synchronously in a cycle, or a service calls itself.",
        severity: .error,
        rationale: """
        Services in a synchronous cycle cannot be deployed, scaled or fail on their own: a slow member slows \
        every other, a change to one API must be released in lockstep, and at start-up each waits for the others. \
        Under load the cycle feeds itself: retries from A to B turn into calls from B back to A, which are \
        retried too, until every member's threads wait on each other. It is a monolith with the network added.
        """,
        triggers: """
        A strongly connected set of two or more services in the sync graph (calls of any operation), or a \
        service that calls itself. One finding per set, on its member declared first, carrying a shortest cycle \
        through it; it sits on the call that starts that cycle.
        """,
        fix: """
        Find the edge that goes against the grain (usually a lower-level service calling back up) and replace it: \
        publish an event instead, pass the data the callee needs in the request, or move the shared logic into \
        a service both can call.
        """,
        triggering: [
            Example("""
            faultline: 1
            services:
              orders:
                calls:
                  - to: ↓inventory
              inventory:
                calls:
                  - to: pricing
              pricing:
                calls:
                  - to: orders
            """),
            Example("""
            faultline: 1
            services:
              ledger:
                operations:
                  Post:
                    calls:
                      - to: ↓ledger
                        operation: Balance
                  Balance: {}
            """),
        ],
        nonTriggering: [
            Example("""
            faultline: 1
            services:
              orders:
                calls:
                  - to: inventory
                  - to: pricing
              inventory:
                calls:
                  - to: pricing
              pricing: {}
            """),
        ]
    )

    public func check(_ context: RuleContext) -> [Finding] {
        let services = context.analysis.services
        let components = services.components
        var findings: [Finding] = []
        for component in 0..<components.count {
            let members = components.members(of: component)
            guard let first = members.first else { continue }
            guard members.count > 1 || services.callsItself[first] else { continue }
            guard let cycle = services.graph.shortestCycle(through: first, allowed: { components.componentOf[$0] == component }),
                  cycle.count >= 2, let callID = services.call(from: cycle[0], to: cycle[1]) else { continue }
            let path = cycle.map { context.serviceName($0) }
            let call = context.topology.calls[callID]
            let message: String
            if members.count == 1 {
                message = "\(path[0]) calls itself synchronously; each such call holds a second request's resources while the first waits, and under load it can exhaust its own pools — call the code in-process, or publish an event"
            } else {
                let set = members.count > cycle.count - 1
                    ? " (part of a cycle of \(members.count) services: \(members.map { context.serviceName($0) }.joined(separator: ", ")))"
                    : ""
                message = "services call each other synchronously in a cycle: \(path.joined(separator: " → "))\(set); they cannot be deployed, scaled or fail independently — break the cycle with an event, or move the shared logic into a service they both call"
            }
            findings.append(context.finding(Message(message), at: call.location, service: path[0],
                                            operation: context.callerOperationName(call), path: path))
        }
        return findings
    }
}
