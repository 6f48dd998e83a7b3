import Testing
import FaultlineModel
import FaultlineGraph
import FaultlineRules

func analyse(_ yaml: String) throws -> GraphAnalysis {
    switch TopologyLoader.load([SourceFile(name: "t.yaml", text: yaml)]) {
    case .success(let topology): return GraphAnalysis(topology)
    case .failure(let failure):
        Issue.record("does not load: \(failure.diagnostics.map(\.description))")
        throw failure
    }
}

func findings(_ rule: any Rule.Type, _ yaml: String, thresholds: [String: Int] = [:]) throws -> [Finding] {
    let configuration = Configuration(rules: [rule.description.id: .init(thresholds: thresholds)])
    return Analyzer(configuration: configuration, rules: [rule]).run(try analyse(yaml))
}

@Suite("worst-case time arithmetic")
struct WorstCaseTimeTests {
    /// One service calling `target` with the given call fields; returns the caller's worst case.
    func worstCase(_ fields: String, extraCalls: String = "") throws -> Duration {
        let analysis = try analyse("""
        faultline: 1
        services:
          caller:
            calls:
              - { to: target, \(fields) }
        \(extraCalls)
          target: {}
          other: {}
        """)
        return analysis.worstCaseTimes.perNode[0]
    }

    @Test("a call's worst case", arguments: [
        ("timeout: 2s", 2_000_000),
        ("timeout: 2s, retry: none", 2_000_000),
        ("timeout: 2s, retry: { max_attempts: 3 }", 6_000_000),
        ("timeout: 2s, retry: { max_attempts: 3, backoff: none, base: 1s }", 6_000_000),
        // fixed: base between each attempt
        ("timeout: 1s, retry: { max_attempts: 4, backoff: fixed, base: 250ms }", 4_750_000),
        // fixed, capped by max
        ("timeout: 1s, retry: { max_attempts: 3, backoff: fixed, base: 2s, max: 500ms }", 4_000_000),
        // exponential: 100 + 200 + 400 + 800
        ("timeout: 1s, retry: { max_attempts: 5, backoff: exponential, base: 100ms }", 6_500_000),
        // exponential capped at 300ms: 100 + 200 + 300 + 300
        ("timeout: 1s, retry: { max_attempts: 5, backoff: exponential, base: 100ms, max: 300ms }", 5_900_000),
        // default base is 100ms; jitter is ignored
        ("timeout: 2s, retry: { max_attempts: 3, backoff: exponential, jitter: true }", 6_300_000),
        // per_request multiplies a sequential call
        ("timeout: 100ms, per_request: 3", 300_000),
        ("retry: { max_attempts: 3 }", 0),
    ])
    func callWorstCase(_ fields: String, _ microseconds: Int64) throws {
        #expect(try worstCase(fields) == Duration(microseconds: microseconds))
    }

    @Test func sequentialCallsAddAndParallelSiblingsTakeTheSlowest() throws {
        let analysis = try analyse("""
        faultline: 1
        services:
          caller:
            calls:
              - { to: a, timeout: 1s }
              - { to: b, timeout: 500ms, per_request: 2 }
              - { to: c, timeout: 3s, parallel: true }
              - { to: d, timeout: 2s, parallel: true, retry: { max_attempts: 2, backoff: fixed, base: 200ms } }
              - { to: e }
          a: {}
          b: {}
          c: {}
          d: {}
          e: {}
        """)
        // 1s + 2 × 500ms, plus max(3s, 2 × 2s + 200ms) = 2s + 4.2s
        #expect(analysis.worstCaseTimes.perNode[0] == Duration(microseconds: 6_200_000))
    }

    @Test func operationsAddTheServicesDirectCalls() throws {
        let analysis = try analyse("""
        faultline: 1
        services:
          caller:
            calls:
              - { to: a, timeout: 1s }
            operations:
              Fast: {}
              Slow:
                calls:
                  - { to: b, timeout: 2s, retry: { max_attempts: 2 } }
          a: {}
          b: {}
        """)
        let nodes = analysis.requests.nodes(of: 0)
        #expect(nodes.map { analysis.worstCaseTimes.perNode[$0] } == [.seconds(1), .seconds(5)])
    }

    @Test func timeoutInversionMeasuresTheNamedOperationOrTheSlowest() throws {
        let yaml = """
        faultline: 1
        services:
          frontend:
            calls:
              - { to: orders, operation: Fast, timeout: 1s, retry: none }
              - { to: orders, timeout: 1s, retry: none }
          orders:
            operations:
              Fast:
                calls: [{ to: cache, timeout: 50ms, retry: none }]
              Slow:
                calls: [{ to: db, timeout: 800ms, retry: { max_attempts: 2, backoff: fixed, base: 100ms } }]
          cache: {}
          db: {}
        """
        let found = try findings(TimeoutInversionRule.self, yaml)
        #expect(found.map(\.location.line) == [6])
        #expect(found.first?.message.contains("orders (Slow) can take 1.7s") == true)
        #expect(found.first?.message.contains("db 2 × 800ms + 100ms backoff") == true)
    }

    @Test func equalTimesDoNotInvert() throws {
        // 4.1s equals 4100ms exactly.
        let yaml = """
        faultline: 1
        services:
          a:
            calls: [{ to: b, timeout: 4.1s, retry: none }]
          b:
            timeout: 4100ms
            calls: [{ to: c, timeout: 4100ms, retry: none }]
          c: {}
        """
        #expect(try findings(TimeoutInversionRule.self, yaml).isEmpty)
        #expect(try findings(TimeoutBudgetRule.self, yaml).isEmpty)
    }

    @Test func timeoutBudgetSitsOnTheServiceAndNamesItsWorstOperation() throws {
        let found = try findings(TimeoutBudgetRule.self, """
        faultline: 1
        services:
          checkout:
            timeout: 1s
            operations:
              Quote:
                calls: [{ to: pricing, timeout: 200ms, retry: none }]
              Place:
                calls: [{ to: payments, timeout: 600ms, retry: { max_attempts: 2 } }]
          pricing: {}
          payments: {}
        """)
        #expect(found.count == 1)
        #expect(found.first.map { ($0.location.line, $0.location.column) } ?? (0, 0) == (3, 3))
        #expect(found.first?.message.contains("checkout (Place) can take 1.2s") == true)
    }
}

@Suite("path rules")
struct PathRuleTests {
    @Test func amplificationCountsACycleOnce() throws {
        // a ↔ b retry 3× inside the cycle: factor 1. In and out: 2 × 3 = 6, then 6 × 2 = 12.
        let yaml = """
        faultline: 1
        services:
          edge:
            entrypoint: true
            calls: [{ to: a, retry: { max_attempts: 2 } }]
          a:
            calls: [{ to: b, retry: { max_attempts: 3 } }]
          b:
            calls: [{ to: a, retry: { max_attempts: 3 } }, { to: c, retry: { max_attempts: 3 } }]
          c:
            calls: [{ to: d, retry: { max_attempts: 2 } }]
          d: {}
        """
        let analysis = try analyse(yaml)
        let entry = try #require(analysis.entries.first)
        #expect(analysis.paths.amplification[analysis.component(of: entry)] == 12)
        let found = try findings(RetryAmplificationRule.self, yaml)
        #expect(found.count == 1)
        #expect(found.first?.path == ["edge", "a", "b", "c", "d"])
        #expect(found.first?.message.contains("2 × 3 × 2 = 12") == true)
        #expect(try findings(RetryAmplificationRule.self, yaml, thresholds: ["max_amplification": 12]).isEmpty)
    }

    @Test func amplificationTakesTheWorstOperationWhenNoneIsNamed() throws {
        let found = try findings(RetryAmplificationRule.self, """
        faultline: 1
        services:
          edge:
            entrypoint: true
            calls: [{ to: orders, retry: { max_attempts: 3 } }]
          orders:
            operations:
              Read:
                calls: [{ to: db, retry: none }]
              Write:
                calls: [{ to: db, retry: { max_attempts: 4 } }]
          db: {}
        """)
        #expect(found.first?.message.contains("3 × 4 = 12") == true)
    }

    @Test func nearestExternalIsFewestHopsThenDeclaredFirst() throws {
        let found = try findings(ExternalCallInRequestPathRule.self, """
        faultline: 1
        services:
          edge:
            entrypoint: true
            calls: [{ to: a }, { to: b }, { to: far, optional: true }]
          a:
            calls: [{ to: zeta }]
          b:
            calls: [{ to: alpha }, { to: c }]
          c:
            calls: [{ to: closest-but-optional-path }]
          far:
            calls: [{ to: zeta }]
          zeta: { external: true }
          alpha: { external: true }
          closest-but-optional-path: { external: true }
        """)
        #expect(found.count == 1)
        // zeta and alpha are both 2 hops away; zeta is declared first.
        #expect(found.first?.target == "zeta")
        #expect(found.first?.path == ["edge", "a", "zeta"])
    }

    @Test func optionalCallsEndTheSearch() throws {
        #expect(try findings(ExternalCallInRequestPathRule.self, """
        faultline: 1
        services:
          edge:
            entrypoint: true
            calls: [{ to: a, optional: true }]
          a:
            calls: [{ to: vendor }]
          vendor: { external: true }
        """).isEmpty)
    }

    /// 60 layers of two services each, both calling both in the next layer:
    /// 2^60 paths. Every measure must come from the DP, never from the paths.
    @Test func diamondLatticeOfSixtyLayers() throws {
        var yaml = "faultline: 1\nservices:\n  top:\n    entrypoint: true\n    calls: [{ to: l1a, retry: { max_attempts: 2 } }, { to: l1b, per_request: 2 }]\n"
        for layer in 1...60 {
            for side in ["a", "b"] {
                yaml += "  l\(layer)\(side):\n"
                if layer < 60 {
                    yaml += "    calls: [{ to: l\(layer + 1)a, timeout: 1s, retry: { max_attempts: 3 } }, { to: l\(layer + 1)b, timeout: 1s }]\n"
                } else {
                    yaml += "    calls: [{ to: vendor }]\n"
                }
            }
        }
        yaml += "  vendor: { external: true }\n"
        let analysis = try analyse(yaml)
        let entry = try #require(analysis.entries.first)
        let component = analysis.component(of: entry)
        #expect(analysis.paths.depth[component] == 61)
        #expect(analysis.paths.amplification[component] == Int.max, "2 × 3^59 saturates")
        // Layer 60 makes 1 call; each layer above makes 2 × (1 + the layer below); top makes 3 × (1 + layer 1).
        var total = 1
        for _ in 1..<60 { total = 2 * (1 + total) }
        #expect(analysis.paths.callTotal[component] == 3 * (1 + total))
        #expect(analysis.externalReach.distance[entry] == 61)
        let all = Analyzer().run(analysis)
        #expect(all.contains { $0.rule == "chatty-call-chain" && $0.path?.count == 62 })
        #expect(all.contains { $0.rule == "retry-amplification" && $0.message.contains("more than") })
        #expect(all.contains { $0.rule == "external-call-in-request-path" && $0.target == "vendor" })
    }
}

@Suite("Analyzer scheduling")
struct AnalyzerSchedulingTests {
    /// Rules start heaviest first, but each rule's findings and time come
    /// back in the order the rules were given.
    @Test("results come back in rule order whatever order the rules ran in")
    func resultsInRuleOrder() throws {
        let analysis = try analyse("""
        faultline: 1
        services:
          frontend:
            entrypoint: true
            calls:
              - { to: checkout, timeout: 100ms, retry: { max_attempts: 3 } }
              - { to: search }
          checkout:
            timeout: 2s
          search: {}
        """)
        let rules: [any Rule.Type] = [MissingTracingRule.self, MissingTimeoutRule.self, TimeoutInversionRule.self, NonIdempotentRetryRule.self]
        #expect(rules.map { $0.weight } != rules.map { $0.weight }.sorted(by: >), "the rules must not already be in weight order")
        let run = Analyzer(rules: rules).run(analysis, clock: { 0 })
        #expect(run.durations.map(\.rule) == rules.map { $0.description.id })
        #expect(run.findings.count == rules.count)
        for (group, rule) in zip(run.findings, rules) {
            #expect(!group.isEmpty, "\(rule.description.id) finds something here")
            #expect(group.allSatisfy { $0.rule == rule.description.id })
        }
    }
}
