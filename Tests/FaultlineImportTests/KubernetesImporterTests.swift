@testable import FaultlineImport
import FaultlineModel
import Testing

/// Small manifests for the tests.
enum Manifests {
    static func deployment(_ name: String, namespace: String = "shop", image: String? = nil, labels: [String: String] = [:],
                           annotations: [String: String] = [:], env: [(String, String)] = []) -> String {
        let podLabels = ["app": name].merging(labels) { $1 }
        var text = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: \(name)
              namespace: \(namespace)
            spec:
              selector:
                matchLabels:
                  app: \(podLabels["app"] ?? name)
              template:
                metadata:
                  labels:

            """
        for (key, value) in podLabels.sorted(by: { $0.key < $1.key }) { text += "        \(key): \"\(value)\"\n" }
        if !annotations.isEmpty {
            text += "      annotations:\n"
            for (key, value) in annotations.sorted(by: { $0.key < $1.key }) { text += "        \(key): \"\(value)\"\n" }
        }
        text += """
                spec:
                  containers:
                    - name: main
                      image: \(image ?? "acme/\(name):1.0")

            """
        if !env.isEmpty {
            text += "          env:\n"
            for (key, value) in env { text += "            - name: \(key)\n              value: \"\(value)\"\n" }
        }
        return text
    }

    static func service(_ name: String, namespace: String = "shop", app: String? = nil, port: Int = 8080, portName: String = "http",
                        appProtocol: String? = nil, type: String? = nil) -> String {
        var text = """
            apiVersion: v1
            kind: Service
            metadata:
              name: \(name)
              namespace: \(namespace)
            spec:

            """
        if let type { text += "  type: \(type)\n" }
        text += """
              selector:
                app: \(app ?? name)
              ports:
                - name: \(portName)
                  port: \(port)

            """
        if let appProtocol { text += "      appProtocol: \(appProtocol)\n" }
        return text
    }

    static func join(_ documents: String...) -> String { documents.joined(separator: "---\n") }
}

@Suite("Kubernetes importer")
struct KubernetesImporterTests {
    @Test("a Service name in every DNS form leads to the workload behind it", arguments: [
        "cart:7070", "cart.shop:7070", "cart.shop.svc:7070", "cart.shop.svc.cluster.local:7070", "http://cart.shop.svc.cluster.local:7070/api",
        "cart-0.cart.shop.svc.cluster.local:7070",
    ])
    func dnsForms(_ value: String) throws {
        let imported = try imported(.kubernetes, [("k8s.yaml", Manifests.join(
            Manifests.deployment("frontend", env: [("CART_ADDR", value)]),
            Manifests.deployment("cart-server", labels: ["app": "cart"]),
            Manifests.service("cart", port: 7070, portName: "grpc")))])
        #expect(imported.targets(of: "frontend") == ["cart-server"])
        #expect(imported.call("frontend", "cart-server")?.via == (value.hasPrefix("http:") ? .http : .grpc))
    }

    @Test("a short name resolves in the caller's namespace only")
    func namespaces() throws {
        let imported = try imported(.kubernetes, [("k8s.yaml", Manifests.join(
            Manifests.deployment("frontend", namespace: "web", env: [("CART_ADDR", "cart:7070"), ("SHOP_CART_ADDR", "cart.shop:7070")]),
            Manifests.deployment("cart", namespace: "shop"),
            Manifests.service("cart", namespace: "shop", port: 7070)))])
        #expect(imported.targets(of: "frontend") == ["cart"])
        #expect(imported.origin(ofCall: "frontend", "cart")?.line == 22)
    }

    @Test("the protocol comes from the Service port's appProtocol or name prefix", arguments: [
        ("grpc", nil, CallProtocol.grpc), ("grpc-web", nil, .grpc), ("http", nil, .http), ("http2-api", nil, .http),
        ("tcp-legacy", nil, .tcp), ("web", "kubernetes.io/h2c", .http), ("api", "grpc", .grpc), ("api", nil, .http),
    ] as [(String, String?, CallProtocol)])
    func protocols(_ portName: String, _ appProtocol: String?, _ expected: CallProtocol) throws {
        let imported = try imported(.kubernetes, [("k8s.yaml", Manifests.join(
            Manifests.deployment("a", env: [("B_ADDR", "b:9000")]),
            Manifests.deployment("b"),
            Manifests.service("b", port: 9000, portName: portName, appProtocol: appProtocol)))])
        #expect(imported.call("a", "b")?.via == expected)
    }

    @Test("ConfigMap values through configMapKeyRef and envFrom, and $(VAR) expansion")
    func configMaps() throws {
        let imported = try imported(.kubernetes, [("k8s.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata: { name: addresses, namespace: shop }
            data:
              CART_ADDR: cart:7070
              payments: payments
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: { name: checkout, namespace: shop }
            spec:
              template:
                metadata: { labels: { app: checkout } }
                spec:
                  containers:
                    - name: main
                      image: acme/checkout
                      envFrom:
                        - configMapRef: { name: addresses }
                      env:
                        - name: PAYMENTS_HOST
                          valueFrom:
                            configMapKeyRef: { name: addresses, key: payments }
                        - name: PAYMENTS_URL
                          value: http://$(PAYMENTS_HOST):8080
            ---
            \(Manifests.deployment("cart"))---
            \(Manifests.service("cart", port: 7070))---
            \(Manifests.deployment("payments"))---
            \(Manifests.service("payments"))
            """)])
        #expect(imported.targets(of: "checkout") == ["cart", "payments"])
        #expect(imported.origin(ofCall: "checkout", "cart")?.line == 5)
        #expect(imported.origin(ofCall: "checkout", "payments")?.line == 21)
    }

    @Test("List kinds, StatefulSets, CronJobs and databases behind Services")
    func kinds() throws {
        let imported = try imported(.kubernetes, [("k8s.yaml", """
            apiVersion: v1
            kind: List
            items:
              - apiVersion: batch/v1
                kind: CronJob
                metadata: { name: nightly, namespace: shop }
                spec:
                  schedule: "0 3 * * *"
                  jobTemplate:
                    spec:
                      template:
                        spec:
                          containers:
                            - name: job
                              image: acme/nightly
                              env:
                                - { name: DB_URL, value: "postgres://orders-db:5432/orders" }
              - apiVersion: apps/v1
                kind: StatefulSet
                metadata: { name: orders-db, namespace: shop }
                spec:
                  template:
                    metadata: { labels: { app: orders-db } }
                    spec:
                      containers: [{ name: db, image: "postgres:16" }]
              - apiVersion: v1
                kind: Service
                metadata: { name: orders-db, namespace: shop }
                spec: { selector: { app: orders-db }, ports: [{ name: tcp-postgres, port: 5432 }] }
            """)])
        #expect(imported.topology.services.map(\.name) == ["nightly"])
        #expect(imported.datastores(of: "nightly") == ["orders-db"])
        #expect(imported.topology.datastores.first?.kind == "postgres")
    }

    @Test("the versions of one app are one service")
    func versions() throws {
        let imported = try imported(.kubernetes, [("k8s.yaml", Manifests.join(
            Manifests.deployment("productpage", env: [("REVIEWS_HOSTNAME", "reviews")]),
            Manifests.deployment("reviews-v1", labels: ["app": "reviews", "version": "v1"]),
            Manifests.deployment("reviews-v2", labels: ["app": "reviews", "version": "v2"], env: [("RATINGS_HOSTNAME", "ratings")]),
            Manifests.deployment("ratings"),
            Manifests.service("reviews", port: 9080), Manifests.service("ratings", port: 9080)))])
        #expect(imported.topology.services.map(\.name).sorted() == ["productpage", "ratings", "reviews"])
        #expect(imported.targets(of: "productpage") == ["reviews"])
        #expect(imported.targets(of: "reviews") == ["ratings"])
    }

    @Test("entrypoints: LoadBalancer and NodePort Services, Ingress backends, gateway-bound VirtualServices")
    func entrypoints() throws {
        let imported = try imported(.kubernetes, [("k8s.yaml", Manifests.join(
            Manifests.deployment("web"), Manifests.service("web-external", app: "web", type: "LoadBalancer"),
            Manifests.deployment("admin"), Manifests.service("admin"),
            Manifests.deployment("api"), Manifests.service("api"),
            Manifests.deployment("internal"), Manifests.service("internal"),
            """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: { name: admin, namespace: shop }
            spec:
              rules:
                - http:
                    paths:
                      - path: /
                        pathType: Prefix
                        backend: { service: { name: admin, port: { number: 8080 } } }

            """,
            """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: { name: api-ingress, namespace: shop }
            spec:
              hosts: ["api.acme.com"]
              gateways: [public-gateway]
              http:
                - route: [{ destination: { host: api } }]

            """))])
        let entrypoints = imported.topology.services.filter(\.entrypoint).map(\.name).sorted()
        #expect(entrypoints == ["admin", "api", "web"])
    }

    @Test("ExternalName Services and public URLs are external services; unknown hosts are noted")
    func externals() throws {
        let imported = try imported(.kubernetes, [("k8s.yaml", Manifests.join(
            Manifests.deployment("payments", env: [("PSP_URL", "http://psp:443"), ("STRIPE_URL", "https://api.stripe.com"),
                                                   ("LEGACY_HOST", "mainframe-gw")]),
            """
            apiVersion: v1
            kind: Service
            metadata: { name: psp, namespace: shop }
            spec: { type: ExternalName, externalName: psp.example-bank.com }

            """))])
        #expect(imported.targets(of: "payments") == ["api.stripe.com", "psp"])
        #expect(imported.service("psp")?.external == true)
        #expect(imported.result.notes.contains { $0.contains("host 'mainframe-gw'") })
    }

    @Test("a Service whose workload is not in the input still receives the call")
    func serviceWithoutWorkload() throws {
        let imported = try imported(.kubernetes, [("k8s.yaml", Manifests.join(
            Manifests.deployment("web", env: [("SEARCH_ADDR", "search:9200")]), Manifests.service("search", port: 9200)))])
        #expect(imported.targets(of: "web") == ["search"])
        #expect(imported.service("search")?.external == false)
    }

    @Test("documents that are no Kubernetes objects are skipped with a note")
    func foreignDocuments() throws {
        let imported = try imported(.kubernetes, [("values.yaml", "replicas: 3\nimage: { tag: latest }\n"),
                                                  ("k8s.yaml", Manifests.deployment("web"))])
        #expect(imported.topology.services.map(\.name) == ["web"])
        #expect(imported.result.notes.contains { $0.hasPrefix("skipped a YAML document that is no Kubernetes object") })
    }
}
