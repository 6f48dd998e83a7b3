import FaultlineModel
import FaultlineYAML
import Testing

@Suite("Loader: valid topologies")
struct LoaderValidTests {
    /// Every field of the format, with extensions and a merged shared policy.
    static let full = """
        faultline: 1
        system: online-shop
        x-policies:
          fast: &fast { timeout: 250ms, retry: { max_attempts: 3, backoff: exponential, base: 50ms, max: 400ms, jitter: yes } }
        defaults:
          timeout: 2s
          retry: { max_attempts: 2, backoff: fixed, base: 100ms }
          circuit_breaker: { failure_threshold: 5, open_for: 30s }
          x-note: ignored
        services:
          frontend:
            entrypoint: yes
            timeout: 3s
            owner: team-web
            tracing: true
            x-slack: "#web"
            calls:
              - to: checkout
                operation: PlaceOrder
                via: grpc
                timeout: 800ms
                retry: none
                circuit_breaker: true
                per_request: 2
                idempotent: yes
                parallel: no
                optional: false
                x-comment: [anything, { goes: here }]
              - to: catalog
              - to: catalog
                timeout: none
                retry: none
                circuit_breaker: false
                parallel: true
                optional: yes
              - <<: *fast
                to: search
                timeout: 300ms
          checkout:
            operations:
              PlaceOrder:
                calls:
                  - to: payments
                    timeout: 2s
                    circuit_breaker: { failure_threshold: 3 }
              GetQuote: {}
              x-internal: ignored
            publishes: [order-events]
            datastores:
              - name: orders-db
                access: read-write
              - name: catalog-db
                access: read
          catalog:
            datastores: [catalog-db]
            calls:
              - to: checkout
          search: {}
          payments:
            external: true
          emailer:
            consumes:
              - from: order-events
                dlq: order-events-dlq
                retry: { max_attempts: 5, backoff: exponential, base: 1s }
                idempotent: true
                max_in_flight: 32
                x-foo: 1
              - from: order-events-dlq
          x-not-a-service: { calls: 17 }
        channels:
          order-events:
            broker: kafka
            delivery: at-least-once
            max_length: 100000
            dlq: order-events-dlq
            x-retention: 7d
          order-events-dlq:
            broker: kafka
            delivery: exactly-once
          audit:
            delivery: at-most-once
        datastores:
          orders-db: { kind: postgres }
          catalog-db:
            kind: mongodb
            x-size: large
          cache: {}
        """

    @Test("the system, files and declarations in order")
    func topLevel() throws {
        let topology = try loadValid(Self.full, file: "shop.yaml")
        #expect(topology.system == "online-shop")
        #expect(topology.files == ["shop.yaml"])
        #expect(topology.services.map(\.name) == ["frontend", "checkout", "catalog", "search", "payments", "emailer"])
        #expect(topology.channels.map(\.name) == ["order-events", "order-events-dlq", "audit"])
        #expect(topology.datastores.map(\.name) == ["orders-db", "catalog-db", "cache"])
        #expect(topology.calls.count == 6)
    }

    @Test("service fields")
    func serviceFields() throws {
        let topology = try loadValid(Self.full, file: "shop.yaml")
        let frontend = try topology.service("frontend")
        #expect(frontend.entrypoint)
        #expect(frontend.timeout == .seconds(3))
        #expect(frontend.owner == "team-web")
        #expect(frontend.tracing)
        #expect(!frontend.external)
        #expect(frontend.location == FaultlineYAML.SourceLocation(file: "shop.yaml", line: 11, column: 3))
        #expect(frontend.calls.count == 4)
        #expect(frontend.operations.isEmpty)

        let checkout = try topology.service("checkout")
        #expect(!checkout.entrypoint)
        #expect(checkout.timeout == nil)
        #expect(checkout.owner == nil)
        #expect(!checkout.tracing)
        #expect(checkout.calls.isEmpty)
        #expect(checkout.location.position == "39:3")

        let payments = try topology.service("payments")
        #expect(payments.external)
        #expect(payments.calls.isEmpty)
    }

    @Test("a call with every field set")
    func fullCall() throws {
        let topology = try loadValid(Self.full)
        let call = try #require(try topology.directCalls(of: "frontend").first)
        #expect(call.caller == (try topology.serviceID("frontend")))
        #expect(call.callerOperation == nil)
        #expect(call.target == (try topology.serviceID("checkout")))
        #expect(call.targetOperation == 0)
        #expect(call.via == .grpc)
        #expect(call.timeout == .milliseconds(800))
        #expect(call.timeoutSource == .own)
        #expect(call.retry == .none(FaultlineYAML.SourceLocation(file: "test.yaml", line: 22, column: 16)))
        #expect(call.retrySource == .own)
        #expect(call.circuitBreaker == CircuitBreaker())
        #expect(call.circuitBreakerSource == .own)
        #expect(call.perRequest == 2)
        #expect(call.idempotent)
        #expect(!call.parallel)
        #expect(!call.optional)
        // A call sits at its `to:` value.
        #expect(call.location.position == "18:13")
    }

    @Test("a bare call takes every default of its file")
    func defaultsApplied() throws {
        let topology = try loadValid(Self.full)
        let call = try topology.directCalls(of: "frontend")[1]
        #expect(call.target == (try topology.serviceID("catalog")))
        #expect(call.targetOperation == nil)
        #expect(call.via == .http)
        #expect(call.timeout == .seconds(2))
        #expect(call.timeoutSource == .defaults)
        guard case .policy(let policy) = call.retry else {
            Issue.record("expected the default retry policy, got \(call.retry)")
            return
        }
        #expect(policy.maxAttempts == 2)
        #expect(policy.backoff == .fixed)
        #expect(policy.base == .milliseconds(100))
        #expect(policy.max == nil)
        #expect(!policy.jitter)
        #expect(call.retrySource == .defaults)
        #expect(call.circuitBreaker == CircuitBreaker(failureThreshold: 5, openFor: .seconds(30)))
        #expect(call.circuitBreakerSource == .defaults)
        #expect(call.perRequest == 1)
        #expect(!call.idempotent && !call.parallel && !call.optional)
    }

    @Test("timeout: none, retry: none and circuit_breaker: false switch the defaults off")
    func defaultsSwitchedOff() throws {
        let topology = try loadValid(Self.full)
        let call = try topology.directCalls(of: "frontend")[2]
        #expect(call.timeout == nil)
        #expect(call.timeoutSource == .disabled)
        #expect(call.retry == .none(FaultlineYAML.SourceLocation(file: "test.yaml", line: 32, column: 16)))
        #expect(call.retrySource == .own)
        #expect(call.circuitBreaker == nil)
        #expect(call.circuitBreakerSource == .disabled)
        #expect(call.parallel)
        #expect(call.optional)
    }

    @Test("a shared policy merged with <<: the call's own keys win")
    func mergedPolicy() throws {
        let topology = try loadValid(Self.full)
        let call = try topology.directCalls(of: "frontend")[3]
        #expect(call.target == (try topology.serviceID("search")))
        #expect(call.timeout == .milliseconds(300))
        #expect(call.timeoutSource == .own)
        guard case .policy(let policy) = call.retry else {
            Issue.record("expected the merged retry policy, got \(call.retry)")
            return
        }
        #expect(policy.maxAttempts == 3)
        #expect(policy.backoff == .exponential)
        #expect(policy.base == .milliseconds(50))
        #expect(policy.max == .milliseconds(400))
        #expect(policy.jitter)
        // The merged policy sits where it was written, in x-policies.
        #expect(policy.location.line == 4)
        #expect(call.retrySource == .own)
        #expect(call.circuitBreakerSource == .defaults)
        #expect(call.location.position == "37:13")
    }

    @Test("operations, their calls, and direct calls without an operation")
    func operations() throws {
        let topology = try loadValid(Self.full)
        let checkoutID = try topology.serviceID("checkout")
        let checkout = topology.services[checkoutID]
        #expect(checkout.operations.map(\.name) == ["PlaceOrder", "GetQuote"])
        #expect(checkout.operations.map(\.location.position) == ["41:7", "46:7"])
        let placeOrder = try #require(checkout.operations.first)
        try #require(placeOrder.calls.count == 1)
        let call = topology.calls[placeOrder.calls[0]]
        #expect(call.caller == checkoutID)
        #expect(call.callerOperation == 0)
        #expect(call.target == (try topology.serviceID("payments")))
        #expect(call.timeout == .seconds(2))
        #expect(call.timeoutSource == .own)
        #expect(call.retrySource == .defaults)
        #expect(call.circuitBreaker == CircuitBreaker(failureThreshold: 3, openFor: nil))
        #expect(checkout.operations[1].calls.isEmpty)
        #expect(topology.calls(of: checkoutID, operation: 0) == placeOrder.calls)
        #expect(topology.calls(of: checkoutID, operation: nil).isEmpty)

        let catalogCall = try #require(try topology.directCalls(of: "catalog").first)
        #expect(catalogCall.target == checkoutID)
        #expect(catalogCall.targetOperation == nil)
    }

    @Test("publishes and datastore uses")
    func publishesAndDatastores() throws {
        let topology = try loadValid(Self.full)
        let checkout = try topology.service("checkout")
        #expect(checkout.publishes == [try topology.channelID("order-events")])
        #expect(checkout.datastores.map(\.datastore) == [try topology.datastoreID("orders-db"), try topology.datastoreID("catalog-db")])
        #expect(checkout.datastores.map(\.access) == [.readWrite, .read])
        #expect(checkout.datastores.map(\.location.position) == ["50:15", "52:15"])
        let catalog = try topology.service("catalog")
        #expect(catalog.datastores.map(\.datastore) == [try topology.datastoreID("catalog-db")])
        #expect(catalog.datastores.first?.access == .readWrite)
        #expect(catalog.datastores.first?.location.position == "55:18")
    }

    @Test("consumers with every field, and with none")
    func consumers() throws {
        let topology = try loadValid(Self.full)
        let emailer = try topology.service("emailer")
        try #require(emailer.consumes.count == 2)
        let full = emailer.consumes[0]
        #expect(full.channel == (try topology.channelID("order-events")))
        #expect(full.dlq == (try topology.channelID("order-events-dlq")))
        #expect(full.idempotent)
        #expect(full.maxInFlight == 32)
        #expect(full.location.position == "63:15")
        guard case .policy(let policy) = full.retry else {
            Issue.record("expected a retry policy, got \(full.retry)")
            return
        }
        #expect(policy.maxAttempts == 5)
        #expect(policy.backoff == .exponential)
        #expect(policy.base == .seconds(1))
        let bare = emailer.consumes[1]
        #expect(bare.channel == (try topology.channelID("order-events-dlq")))
        #expect(bare.dlq == nil)
        #expect(bare.retry == .unset)
        #expect(!bare.idempotent)
        #expect(bare.maxInFlight == nil)
    }

    @Test("channels and datastores")
    func channelsAndDatastores() throws {
        let topology = try loadValid(Self.full)
        let events = topology.channels[try topology.channelID("order-events")]
        #expect(events.broker == .kafka)
        #expect(events.delivery == .atLeastOnce)
        #expect(events.maxLength == 100_000)
        #expect(events.dlq == (try topology.channelID("order-events-dlq")))
        #expect(events.location.position == "72:3")
        let dlq = topology.channels[try topology.channelID("order-events-dlq")]
        #expect(dlq.delivery == .exactlyOnce)
        #expect(dlq.dlq == nil)
        #expect(dlq.maxLength == nil)
        let audit = topology.channels[try topology.channelID("audit")]
        #expect(audit.broker == nil)
        #expect(audit.delivery == .atMostOnce)

        #expect(topology.datastores.map(\.kind) == ["postgres", "mongodb", nil])
        #expect(topology.datastores[0].location.position == "84:3")
    }

    @Test("a minimal topology: no system, no defaults, nothing set")
    func minimal() throws {
        let topology = try loadValid("""
            faultline: 1
            services:
              a:
                calls: [{to: b}]
              b:
            """)
        #expect(topology.system == nil)
        #expect(topology.channels.isEmpty && topology.datastores.isEmpty)
        let call = try #require(topology.calls.first)
        #expect(call.timeout == nil && call.timeoutSource == .unset)
        #expect(call.retry == .unset && call.retrySource == .unset)
        #expect(call.circuitBreaker == nil && call.circuitBreakerSource == .unset)
        let b = try topology.service("b")
        #expect(!b.entrypoint && !b.tracing && !b.external && b.calls.isEmpty)
    }

    @Test("defaults of retry: none and circuit_breaker: true reach calls")
    func otherDefaults() throws {
        let topology = try loadValid("""
            faultline: 1
            defaults:
              timeout: none
              retry: none
              circuit_breaker: true
            services:
              a: { calls: [{to: b}, {to: b, circuit_breaker: false}] }
              b: {}
            """)
        try #require(topology.calls.count == 2)
        #expect(topology.calls[0].timeout == nil)
        #expect(topology.calls[0].timeoutSource == .unset)
        #expect(topology.calls[0].retry == .none(FaultlineYAML.SourceLocation(file: "test.yaml", line: 4, column: 10)))
        #expect(topology.calls[0].retrySource == .defaults)
        #expect(topology.calls[0].circuitBreaker == CircuitBreaker())
        #expect(topology.calls[0].circuitBreakerSource == .defaults)
        #expect(topology.calls[1].circuitBreaker == nil)
        #expect(topology.calls[1].circuitBreakerSource == .disabled)
    }

    @Test("YAML 1.1 booleans", arguments: [
        ("true", true), ("false", false), ("yes", true), ("no", false), ("True", true), ("NO", false), ("on", true), ("off", false),
    ])
    func booleans(text: String, value: Bool) throws {
        let topology = try loadValid("""
            faultline: 1
            services:
              a: { entrypoint: \(text), tracing: \(text), external: \(text) }
            """)
        let a = try topology.service("a")
        #expect(a.entrypoint == value)
        #expect(a.tracing == value)
        #expect(a.external == value)
    }

    @Test("whole numbers accept YAML's 1_000 spelling")
    func underscoredNumbers() throws {
        let topology = try loadValid("""
            faultline: 1
            services:
              a: { calls: [{to: b, per_request: 1_000}] }
              b: {}
            channels:
              c: { max_length: 1_000_000 }
            """)
        #expect(topology.calls.first?.perRequest == 1_000)
        #expect(topology.channels.first?.maxLength == 1_000_000)
    }

    @Test("names use letters, digits, '-', '_' and '.'")
    func validNames() throws {
        let topology = try loadValid("""
            faultline: 1
            services:
              Svc-1_a.v2:
                operations:
                  Get.Thing_v2-beta: {}
            channels:
              orders.v1_events-x: {}
            datastores:
              db_01.primary-a: {}
            """)
        #expect(topology.services.first?.name == "Svc-1_a.v2")
        #expect(topology.services.first?.operations.first?.name == "Get.Thing_v2-beta")
        #expect(topology.channels.first?.name == "orders.v1_events-x")
        #expect(topology.datastores.first?.name == "db_01.primary-a")
    }

    @Test("an operation: reference may point at a service declared later")
    func forwardOperationReference() throws {
        let topology = try loadValid("""
            faultline: 1
            services:
              a:
                calls:
                  - { to: z, operation: Second }
              z:
                operations:
                  First: {}
                  Second: ~
            """)
        #expect(topology.calls.first?.targetOperation == 1)
    }

    @Test("extension keys are ignored at every level")
    func extensionsEverywhere() throws {
        let topology = try loadValid("""
            faultline: 1
            x-top: { whatever: [1, 2] }
            defaults:
              x-d: 1
              retry: { max_attempts: 2, x-r: 1 }
              circuit_breaker: { failure_threshold: 2, x-cb: 1 }
            services:
              x-shared: nonsense
              a:
                x-s: 1
                operations:
                  x-o: not an operation
                  Op:
                    x-oc: 1
                    calls:
                      - { to: b, x-c: 1, retry: { max_attempts: 1, x-rr: 2 }, circuit_breaker: { x-cc: 3 } }
                consumes:
                  - { from: ch, x-cons: 1 }
                datastores:
                  - { name: db, x-use: 1 }
              b: {}
            channels:
              x-ch: 1
              ch: { x-c: 1 }
            datastores:
              x-ds: 1
              db: { x-k: 1 }
            """)
        #expect(topology.services.map(\.name) == ["a", "b"])
        #expect(topology.services[0].operations.map(\.name) == ["Op"])
        #expect(topology.channels.map(\.name) == ["ch"])
        #expect(topology.datastores.map(\.name) == ["db"])
        #expect(topology.calls.count == 1)
    }

    @Test("shared policies through anchors and merges across services")
    func sharedPolicies() throws {
        let topology = try loadValid("""
            faultline: 1
            x-policies:
              retry3: &retry3 { max_attempts: 3, backoff: exponential, base: 10ms }
              call-base: &call-base { timeout: 1s, retry: *retry3, idempotent: true }
              grpc: &grpc { via: grpc }
            services:
              a:
                calls:
                  - { <<: *call-base, to: b }
                  - { <<: [*grpc, *call-base], to: c, retry: none }
              b: {}
              c: {}
            """)
        try #require(topology.calls.count == 2)
        let first = topology.calls[0], second = topology.calls[1]
        #expect(first.timeout == .seconds(1))
        #expect(first.retry.maxAttempts == 3)
        #expect(first.idempotent)
        #expect(first.via == .http)
        #expect(second.via == .grpc)
        #expect(second.timeout == .seconds(1))
        #expect(second.retry == .none(FaultlineYAML.SourceLocation(file: "test.yaml", line: 10, column: 50)))
    }

    /// Services with many operations find them through a dictionary, the
    /// others by looking along the list: both must give the same index.
    @Test("calls name operations of services with few and with many operations", arguments: [1, 16, 17, 40])
    func operationsFoundEitherWay(operationCount: Int) throws {
        let operations = (0..<operationCount).map { "        Op\($0): {}" }.joined(separator: "\n")
        let last = operationCount - 1
        let topology = try loadValid("""
        faultline: 1
        services:
          caller:
            calls:
              - { to: callee, operation: Op0, timeout: 1s, retry: none }
              - { to: callee, operation: Op\(last), timeout: 1s, retry: none }
          callee:
            operations:
        \(operations)
        """)
        let calls = try topology.directCalls(of: "caller")
        #expect(calls.map(\.targetOperation) == [0, last])
        let problems = diagnostics("""
        faultline: 1
        services:
          caller:
            calls:
              - { to: callee, operation: Op\(operationCount), timeout: 1s, retry: none }
          callee:
            operations:
        \(operations)
        """)
        #expect(problems.map(\.message).contains { $0.hasPrefix("operation 'Op\(operationCount)' is not declared by service 'callee'") })
    }
}
