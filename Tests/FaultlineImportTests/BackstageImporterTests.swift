@testable import FaultlineImport
import FaultlineModel
import Testing

@Suite("Backstage importer")
struct BackstageImporterTests {
    @Test("entity references, full and short", arguments: [
        ("component:default/orders", "component", "default", "orders"),
        ("component:orders", "component", nil, "orders"),
        ("default/orders", nil, "default", "orders"),
        ("orders", nil, nil, "orders"),
        ("Resource:payments/billing-db", "resource", "payments", "billing-db"),
        (" api:search-api ", "api", nil, "search-api"),
    ] as [(String, String?, String?, String)])
    func references(_ text: String, _ kind: String?, _ namespace: String?, _ name: String) throws {
        let ref = try BackstageImporter.parseRef(text).get()
        #expect(ref == BackstageImporter.EntityRef(kind: kind, namespace: namespace, name: name))
    }

    @Test("invalid entity references", arguments: ["component:", ":orders", "component:/orders", "a:b:c", "a/b/c", ""])
    func invalidReferences(_ text: String) {
        #expect((try? BackstageImporter.parseRef(text).get()) == nil)
    }

    static func entity(_ kind: String, _ name: String, namespace: String? = nil, spec: String) -> String {
        """
        apiVersion: backstage.io/v1alpha1
        kind: \(kind)
        metadata:
          name: \(name)\(namespace.map { "\n  namespace: \($0)" } ?? "")
        spec:
        \(spec.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))

        """
    }

    @Test("dependsOn components and database resources; APIs connect consumers to providers")
    func relations() throws {
        let catalog = [
            Self.entity("Component", "web", spec: "type: website\nowner: group:default/web-team\nconsumesApis: [orders-api]"),
            Self.entity("Component", "orders", spec: "type: service\nowner: team-orders\nprovidesApis: [api:default/orders-api]\ndependsOn: [resource:orders-db, component:default/stock]"),
            Self.entity("Component", "stock", spec: "type: service\nowner: team-orders"),
            Self.entity("API", "orders-api", spec: "type: grpc\nowner: team-orders\ndefinition: x"),
            Self.entity("Resource", "orders-db", spec: "type: database\nowner: team-orders"),
        ].joined(separator: "---\n")
        let imported = try imported(.backstage, [("catalog-info.yaml", catalog)])
        #expect(imported.targets(of: "web") == ["orders"])
        #expect(imported.call("web", "orders")?.via == .grpc)
        #expect(imported.targets(of: "orders") == ["stock"])
        #expect(imported.datastores(of: "orders") == ["orders-db"])
        #expect(imported.service("web")?.entrypoint == true)
        #expect(imported.service("web")?.owner == "web-team")
        #expect(imported.service("orders")?.owner == "team-orders")
        // The call's finding belongs at the consumesApis entry.
        #expect(imported.origin(ofCall: "web", "orders")?.position == "catalog-info.yaml:8:18")
    }

    @Test("asyncapi APIs are channels: providers publish, consumers consume")
    func asyncAPIs() throws {
        let catalog = [
            Self.entity("Component", "orders", spec: "type: service\nowner: a\nprovidesApis: [order-events]"),
            Self.entity("Component", "mailer", spec: "type: service\nowner: a\nconsumesApis: [order-events]"),
            Self.entity("API", "order-events", spec: "type: asyncapi\nowner: a\ndefinition: x"),
        ].joined(separator: "---\n")
        let imported = try imported(.backstage, [("catalog-info.yaml", catalog)])
        #expect(imported.publishes("orders") == ["order-events"])
        #expect(imported.consumes("mailer") == ["order-events"])
        #expect(imported.targets(of: "mailer").isEmpty)
    }

    @Test("Resource types: databases are datastores, queues and topics channels, the rest noted", arguments: [
        ("database", "datastore", nil), ("postgres", "datastore", nil), ("s3-bucket", "datastore", nil),
        ("kafka-topic", "channel", Broker.kafka), ("sqs-queue", "channel", .sqs), ("queue", "channel", nil), ("cdn", "none", nil),
    ] as [(String, String, Broker?)])
    func resourceTypes(_ type: String, _ expected: String, _ broker: Broker?) throws {
        let catalog = [
            Self.entity("Component", "app", spec: "type: service\nowner: a\ndependsOn: [resource:thing]"),
            Self.entity("Resource", "thing", spec: "type: \(type)\nowner: a"),
        ].joined(separator: "---\n")
        let imported = try imported(.backstage, [("catalog-info.yaml", catalog)])
        let found = !imported.topology.datastores.isEmpty ? "datastore" : !imported.topology.channels.isEmpty ? "channel" : "none"
        #expect(found == expected)
        #expect(imported.topology.channels.first?.broker == broker)
        if expected == "channel" {
            #expect(imported.result.notes.contains { $0.contains("nothing says whether 'app' publishes to or consumes from 'thing'") })
        }
    }

    @Test("dependencyOf is dependsOn seen from the other side; libraries are no services")
    func inverseAndLibraries() throws {
        let catalog = [
            Self.entity("Component", "app", spec: "type: service\nowner: a\ndependsOn: [component:helpers]"),
            Self.entity("Component", "helpers", spec: "type: library\nowner: a"),
            Self.entity("Resource", "cache", spec: "type: redis\nowner: a\ndependencyOf: [component:app]"),
        ].joined(separator: "---\n")
        let imported = try imported(.backstage, [("catalog-info.yaml", catalog)])
        #expect(imported.topology.services.map(\.name) == ["app"])
        #expect(imported.datastores(of: "app") == ["cache"])
    }

    @Test("names in two namespaces get the namespace; the system comes from the System entity")
    func namespacesAndSystem() throws {
        let catalog = [
            Self.entity("System", "shop", spec: "owner: a"),
            Self.entity("Component", "api", spec: "type: service\nowner: a\nsystem: shop\ndependsOn: [component:payments/api]"),
            Self.entity("Component", "api", namespace: "payments", spec: "type: service\nowner: b\nsystem: shop"),
        ].joined(separator: "---\n")
        let imported = try imported(.backstage, [("catalog-info.yaml", catalog)])
        #expect(imported.topology.services.map(\.name).sorted() == ["api.default", "api.payments"])
        #expect(imported.targets(of: "api.default") == ["api.payments"])
        #expect(imported.topology.system == "shop")
    }

    @Test("Locations, Groups and Users are noted, not followed")
    func otherKinds() throws {
        let catalog = [
            Self.entity("Location", "root", spec: "targets: [./a.yaml]"),
            Self.entity("Group", "team", spec: "type: team"),
            Self.entity("Component", "app", spec: "type: service\nowner: team"),
        ].joined(separator: "---\n")
        let imported = try imported(.backstage, [("catalog-info.yaml", catalog)])
        #expect(imported.result.notes.contains { $0.hasPrefix("Backstage Location entities are noted, not followed") })
        #expect(imported.result.notes.contains { $0.hasPrefix("skipped Backstage kind Group") })
    }
}
