@testable import FaultlineImport
import FaultlineModel
import FaultlineYAML
import Testing

@Suite("Istio policies")
struct IstioTests {
    /// frontend calls cart; `rules` are Istio documents appended to the manifests.
    static func mesh(_ rules: String, frontendLabels: [String: String] = [:], annotations: [String: String] = [:],
                     namespace: String? = "istio-injection: enabled") -> [(String, String)] {
        var documents = [
            Manifests.deployment("frontend", labels: frontendLabels, annotations: annotations, env: [("CART_ADDR", "cart:7070")]),
            Manifests.deployment("cart"),
            Manifests.service("cart", port: 7070, portName: "grpc"),
        ]
        if let namespace {
            documents.insert("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    \(namespace)\n", at: 0)
        }
        var files = [("k8s.yaml", documents.joined(separator: "---\n"))]
        if !rules.isEmpty { files.append(("istio.yaml", rules)) }
        return files
    }

    static func virtualService(_ route: String) -> String {
        """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: { name: cart, namespace: shop }
        spec:
          hosts: [cart]
          http:
        \(route)

        """
    }

    func retry(_ call: Call?) -> String {
        switch call?.retry {
        case .policy(let policy)?: return "\(policy.maxAttempts) \(policy.backoff.rawValue) \(policy.base) \(policy.max?.description ?? "-") \(policy.jitter)"
        case .none?: return "none"
        case .unset?, nil: return "unset"
        }
    }

    @Test("retries.attempts N is max_attempts N+1; 0 is no retries", arguments: [(1, "2"), (2, "3"), (3, "4"), (10, "11"), (0, "none")])
    func attempts(_ attempts: Int, _ expected: String) throws {
        let imported = try imported(.kubernetes, Self.mesh(Self.virtualService("""
              - route: [{ destination: { host: cart } }]
                retries: { attempts: \(attempts) }
            """)))
        let retry = retry(imported.call("frontend", "cart"))
        #expect(retry == expected || retry.hasPrefix(expected + " exponential 25ms 250ms true"))
    }

    @Test("perTryTimeout is the per-attempt timeout; the route timeout then caps all attempts (kept as x-istio-route-timeout)")
    func perTryTimeout() throws {
        let imported = try imported(.kubernetes, Self.mesh(Self.virtualService("""
              - route: [{ destination: { host: cart } }]
                timeout: 2s
                retries: { attempts: 2, perTryTimeout: 500ms, retryOn: "5xx,reset" }
            """)))
        let call = try #require(imported.call("frontend", "cart"))
        #expect(call.timeout == .milliseconds(500))
        #expect(imported.result.text.contains("x-istio-route-timeout: 2s"))
        #expect(imported.result.text.contains("x-istio-retry-on: \"5xx,reset\""))
        // The retry line points at the attempts; the timeout line at perTryTimeout.
        let lines = imported.result.text.split(separator: "\n", omittingEmptySubsequences: false)
        let timeoutLine = try #require(lines.firstIndex { $0.contains("timeout: 500ms") })
        #expect(imported.result.origins[timeoutLine + 1]?.position == "istio.yaml:9:44")
    }

    @Test("a route timeout alone is the call's timeout; 0s switches it off")
    func routeTimeout() throws {
        let set = try imported(.kubernetes, Self.mesh(Self.virtualService("""
              - route: [{ destination: { host: cart } }]
                timeout: 1.5s
            """)))
        #expect(set.call("frontend", "cart")?.timeout == Duration(microseconds: 1_500_000))
        let off = try imported(.kubernetes, Self.mesh(Self.virtualService("""
              - route: [{ destination: { host: cart } }]
                timeout: 0s
            """)))
        #expect(off.call("frontend", "cart")?.timeout == nil)
        #expect(off.call("frontend", "cart")?.timeoutSource == .disabled)
    }

    @Test("the mesh's default retries where no route sets any, and --no-mesh-defaults", arguments: [true, false])
    func defaults(_ meshDefaults: Bool) throws {
        let withRoute = try imported(.kubernetes, Self.mesh(Self.virtualService("""
              - route: [{ destination: { host: cart } }]
                timeout: 1s
            """)), meshDefaults: meshDefaults)
        let withoutRoute = try imported(.kubernetes, Self.mesh(""), meshDefaults: meshDefaults)
        for imported in [withRoute, withoutRoute] {
            #expect(retry(imported.call("frontend", "cart")) == (meshDefaults ? "3 exponential 25ms 250ms true" : "unset"))
        }
        // Without a route the finding belongs at the env var; with one, at the route.
        #expect(withoutRoute.origin(ofCall: "frontend", "cart")?.position == "k8s.yaml:27:22")
        #expect(withRoute.origin(ofCall: "frontend", "cart")?.position == "istio.yaml:7:5")
    }

    @Test("who is in the mesh", arguments: [
        // (namespace label, pod labels, Istio resources present, meshed)
        ("istio-injection: enabled", [:], false, true),
        ("istio-injection: disabled", [:], true, false),
        ("istio.io/rev: canary", [:], false, true),
        ("team: shop", [:], true, false),
        ("istio-injection: enabled", ["sidecar.istio.io/inject": "false"], true, false),
        ("istio-injection: disabled", ["sidecar.istio.io/inject": "true"], false, true),
        ("istio.io/dataplane-mode: ambient", [:], true, false),
    ] as [(String, [String: String], Bool, Bool)])
    func membership(_ label: String, _ podLabels: [String: String], _ resources: Bool, _ meshed: Bool) throws {
        let rules = resources ? "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: { name: default, namespace: shop }\nspec: {}\n" : ""
        let imported = try imported(.kubernetes, Self.mesh(rules, frontendLabels: podLabels, namespace: label))
        #expect((retry(imported.call("frontend", "cart")) != "unset") == meshed)
    }

    @Test("without a Namespace manifest, any Istio resource means the mesh is there", arguments: [true, false])
    func presence(_ resources: Bool) throws {
        let rules = resources ? "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: { name: gw, namespace: shop }\nspec: {}\n" : ""
        let imported = try imported(.kubernetes, Self.mesh(rules, namespace: nil))
        #expect((retry(imported.call("frontend", "cart")) != "unset") == resources)
    }

    @Test("routes: sourceLabels pick the caller's route; request matches are skipped for the catch-all")
    func routeSelection() throws {
        let imported = try imported(.kubernetes, Self.mesh(Self.virtualService("""
              - match: [{ headers: { x-canary: { exact: "true" } } }]
                route: [{ destination: { host: cart } }]
                timeout: 9s
              - match: [{ sourceLabels: { app: checkout } }]
                route: [{ destination: { host: cart } }]
                timeout: 4s
              - route: [{ destination: { host: cart } }]
                timeout: 2s
            """) + "---\n" + Manifests.deployment("checkout", env: [("CART_ADDR", "cart:7070")])))
        #expect(imported.call("frontend", "cart")?.timeout == .seconds(2))
        #expect(imported.call("checkout", "cart")?.timeout == .seconds(4))
        #expect(imported.result.notes.contains { $0.contains("takes only some requests") })
    }

    @Test("VirtualServices bound only to a gateway do not govern calls inside the mesh")
    func gatewayOnly() throws {
        let imported = try imported(.kubernetes, Self.mesh("""
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: { name: cart-edge, namespace: shop }
            spec:
              hosts: [cart]
              gateways: [edge]
              http:
                - route: [{ destination: { host: cart } }]
                  timeout: 7s
            """))
        #expect(imported.call("frontend", "cart")?.timeout == nil)
    }

    @Test("DestinationRule: outlierDetection is the circuit breaker, a subset's policy wins, connectionPool is an extension")
    func destinationRules() throws {
        let imported = try imported(.kubernetes, Self.mesh(Self.virtualService("""
              - route: [{ destination: { host: cart, subset: stable } }]
                timeout: 1s
            """) + """
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: { name: cart, namespace: shop }
            spec:
              host: cart.shop.svc.cluster.local
              trafficPolicy:
                outlierDetection: { consecutive5xxErrors: 7, baseEjectionTime: 45s }
                connectionPool: { tcp: { maxConnections: 100 }, http: { http2MaxRequests: 1000 } }
              subsets:
                - name: stable
                  labels: { version: v1 }
                  trafficPolicy:
                    outlierDetection: { consecutiveGatewayErrors: 3 }
            """))
        let call = try #require(imported.call("frontend", "cart"))
        #expect(call.circuitBreaker == CircuitBreaker(failureThreshold: 3, openFor: .seconds(30)))
        #expect(imported.result.text.contains("x-istio-connection-pool: { http.http2MaxRequests: 1000, tcp.maxConnections: 100 }"))
    }

    @Test("outlier detection switched off gives no circuit breaker")
    func outlierOff() throws {
        let imported = try imported(.kubernetes, Self.mesh("""
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: { name: cart, namespace: shop }
            spec:
              host: cart
              trafficPolicy: { outlierDetection: { consecutive5xxErrors: 0 } }
            """))
        #expect(imported.call("frontend", "cart")?.circuitBreaker == nil)
    }

    @Test("a caller without a sidecar gets none of the route's policy")
    func unmeshedCaller() throws {
        let imported = try imported(.kubernetes, Self.mesh(Self.virtualService("""
              - route: [{ destination: { host: cart } }]
                timeout: 1s
            """), annotations: ["sidecar.istio.io/inject": "false"]))
        let call = try #require(imported.call("frontend", "cart"))
        #expect(call.timeout == nil && call.retry == .unset)
        #expect(imported.result.notes.contains { $0.contains("has no Istio sidecar") })
    }

    @Test("TCP and TLS traffic gets no HTTP route policy or default retries, but keeps outlier detection")
    func layerFour() throws {
        var files = Self.mesh("""
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: { name: stripe, namespace: shop }
            spec:
              hosts: [api.stripe.com]
              ports: [{ number: 443, name: tls, protocol: TLS }]
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: { name: stripe, namespace: shop }
            spec:
              host: api.stripe.com
              trafficPolicy: { outlierDetection: { consecutive5xxErrors: 2 } }
            """)
        files.append(("payments.yaml", Manifests.deployment("payments", env: [("STRIPE_URL", "https://api.stripe.com/v1")])))
        let imported = try imported(.kubernetes, files)
        let call = try #require(imported.call("payments", "api.stripe.com"))
        #expect(call.retry == .unset)
        #expect(call.circuitBreaker?.failureThreshold == 2)
    }
}
