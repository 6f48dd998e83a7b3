public struct HubServiceRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "hub-service",
        name: "Hub service",
        summary: "Too many services call one service synchronously.",
        severity: .note,
        thresholds: [Threshold("max_callers", default: 6, minimum: 1, summary: "distinct services that may call one service synchronously")],
        rationale: """
        A service that many others call synchronously is on the critical path of all of them: its bad deploy, \
        its slow minute or its exhausted connection pool is an incident for every caller at once. With 8 \
        callers, one bad release of the hub pages 8 teams, and the hub must absorb the sum of their peaks, \
        which load tests of each caller alone never show. Its API also freezes: every change has to suit 8 \
        teams' release plans.
        """,
        triggers: """
        A service called synchronously by more than `max_callers` distinct services, counting each caller once \
        however many calls or operations it has. A service's calls to itself do not count.
        """,
        fix: """
        Ask what the callers need from it. Data that changes slowly (configuration, merchant or user profiles) \
        can be published as events and kept in a local copy by each caller; a hub that serves unrelated purposes \
        can be split. At the least, give callers a cache with a sensible TTL and a circuit breaker, so an outage \
        of the hub degrades them instead of failing them.
        """,
        triggering: [
            Example("""
            faultline: 1
            services:
              ↓merchant-registry:
                calls:
                  - to: merchant-registry
              api-gateway:
                calls: [{ to: merchant-registry }]
              dashboard-bff:
                calls: [{ to: merchant-registry }]
              merchant-api:
                calls: [{ to: merchant-registry }]
              payment-orchestrator:
                calls: [{ to: merchant-registry }]
              risk-engine:
                calls: [{ to: merchant-registry }]
              payout-worker:
                calls: [{ to: merchant-registry }]
              webhook-dispatcher:
                calls: [{ to: merchant-registry }]
            """),
            Example("""
            faultline: 1
            services:
              ↓auth:
                operations:
                  VerifyApiKey: {}
                  VerifySession: {}
              api-gateway:
                calls:
                  - { to: auth, operation: VerifyApiKey }
                  - { to: auth, operation: VerifySession }
              dashboard-bff:
                calls: [{ to: auth, operation: VerifySession }]
              merchant-api:
                operations:
                  CreatePayment:
                    calls: [{ to: auth, operation: VerifyApiKey }]
            """, thresholds: ["max_callers": 2]),
        ],
        nonTriggering: [
            Example("""
            faultline: 1
            services:
              merchant-registry:
                calls:
                  - to: merchant-registry
              api-gateway:
                calls:
                  - to: merchant-registry
                  - to: merchant-registry
              dashboard-bff:
                calls: [{ to: merchant-registry }]
              merchant-api:
                calls: [{ to: merchant-registry }]
              payment-orchestrator:
                calls: [{ to: merchant-registry }]
              risk-engine:
                calls: [{ to: merchant-registry }]
              payout-worker:
                calls: [{ to: merchant-registry }]
            """),
        ]
    )

    /// Milliseconds at 50 000 services (see `Rule.weight`).
    public static let weight = 20

    public func check(_ context: RuleContext) -> [Finding] {
        let topology = context.topology
        let limit = context.threshold("max_callers")
        let counts = context.analysis.services.callerCount
        guard counts.contains(where: { $0 > limit }) else { return [] }
        // Caller names in file order of their first call, each once, self-calls left out.
        var callers = Array(repeating: [Int](), count: topology.services.count)
        var seenAt = Array(repeating: -1, count: topology.services.count)
        // Read in place, one call list at a time: no list made or service
        // copied per service. The arrays are taken out of the topology once:
        // every rule reads it at the same time, and a reference count bumped
        // per service from two cores is a cache line the cores take from each other.
        let services = topology.services, calls = topology.calls
        for caller in services.indices {
            for callID in services[caller].calls {
                Self.note(caller, of: calls[callID].target, counts: counts, limit: limit, seenAt: &seenAt, callers: &callers)
            }
            for operation in services[caller].operations.indices {
                for callID in services[caller].operations[operation].calls {
                    Self.note(caller, of: calls[callID].target, counts: counts, limit: limit, seenAt: &seenAt, callers: &callers)
                }
            }
        }
        let names = context.analysis.names
        var findings: [Finding] = []
        for id in topology.services.indices where counts[id] > limit {
            let service = topology.services[id]
            findings.append(context.finding(
                "\(service.name) is called synchronously by \(counts[id]) services (\(joined: callers[id].lazy.map { names.service($0) })), more than \(limit); its slow minute or bad deploy hits all of them at once — publish the data they need as events or let them cache it, or split \(service.name) by purpose",
                at: service.location, service: service.name))
        }
        return findings
    }

    /// Records `caller` once for a target past the limit, self-calls left out.
    private static func note(_ caller: Int, of target: Int, counts: [Int], limit: Int, seenAt: inout [Int], callers: inout [[Int]]) {
        guard target != caller, counts[target] > limit, seenAt[target] != caller else { return }
        seenAt[target] = caller
        callers[target].append(caller)
    }
}
