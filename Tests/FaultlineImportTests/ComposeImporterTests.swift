@testable import FaultlineImport
import FaultlineModel
import Testing

@Suite("Compose importer")
struct ComposeImporterTests {
    @Test("environment values naming another service are calls, in list and map form")
    func environmentCalls() throws {
        let imported = try imported(.compose, [("compose.yaml", """
            services:
              web:
                image: acme/web
                environment:
                  - API_URL=http://api:8080/v1
                  - NODE_ENV=production
              api:
                image: acme/api
                environment:
                  SEARCH_ADDR: search:9000
                  AUDIT_HOST: audit
                  AUDIT_MODE: audit
              search:
                image: acme/search
              audit:
                image: acme/audit
            """)])
        #expect(imported.targets(of: "web") == ["api"])
        #expect(imported.targets(of: "api") == ["audit", "search"])
        #expect(imported.call("web", "api")?.via == .http)
        #expect(imported.origin(ofCall: "web", "api")?.position == "compose.yaml:5:9")
        #expect(imported.origin(ofCall: "api", "search")?.position == "compose.yaml:10:20")
    }

    @Test("container_name, hostname and network aliases name the service too")
    func aliases() throws {
        let imported = try imported(.compose, [("compose.yaml", """
            services:
              client:
                image: acme/client
                environment:
                  A_URL: http://legacy-orders:80
                  B_URL: http://orders.internal.acme:80
                  C_HOST: billing-host
              orders:
                image: acme/orders
                container_name: legacy-orders
                networks:
                  backend:
                    aliases: [orders.internal.acme]
              billing:
                image: acme/billing
                hostname: billing-host
            networks:
              backend: {}
            """)])
        #expect(imported.targets(of: "client") == ["billing", "orders"])
    }

    @Test("links and depends_on only where the environment says nothing about the pair")
    func linksAndDependsOn() throws {
        let imported = try imported(.compose, [("compose.yaml", """
            services:
              a:
                image: acme/a
                environment:
                  B_URL: http://b
                links: [b, "c:see"]
                depends_on:
                  b: { condition: service_healthy }
                  d: { condition: service_started }
                  db: { condition: service_started }
              b: { image: acme/b }
              c: { image: acme/c }
              d: { image: acme/d }
              db: { image: postgres:16 }
            """)])
        #expect(imported.targets(of: "a") == ["b", "c", "d"])
        #expect(imported.origin(ofCall: "a", "b")?.position == "compose.yaml:5:14")
        #expect(imported.origin(ofCall: "a", "c")?.position == "compose.yaml:6:16")
        #expect(imported.origin(ofCall: "a", "d")?.position == "compose.yaml:9:7")
        #expect(imported.datastores(of: "a") == ["db"])
        #expect(imported.result.text.contains("depends_on d (start order only; check the call)"))
    }

    @Test("databases by image are datastores; naming one makes a read-write user, a replica variable a reader")
    func databases() throws {
        let imported = try imported(.compose, [("compose.yaml", """
            services:
              orders:
                build: ./orders
                environment:
                  DATABASE_URL: postgres://orders:${DB_PASSWORD:-secret}@orders-db:5432/orders
                  REPORTING_READ_URL: postgres://ro@orders-db-replica/orders
                  CACHE: memcached:11211
              orders-db: { image: "postgres:16-alpine" }
              orders-db-replica: { image: "postgres:16-alpine" }
              memcached: { image: "memcached:1.6" }
            """)])
        let service = try #require(imported.service("orders"))
        #expect(imported.datastores(of: "orders") == ["memcached", "orders-db", "orders-db-replica"])
        let access = service.datastores.map { "\(imported.topology.datastores[$0.datastore].name)=\($0.access.rawValue)" }.sorted()
        #expect(access == ["memcached=read-write", "orders-db-replica=read", "orders-db=read-write"])
        #expect(imported.topology.datastores.map { $0.kind ?? "" }.sorted() == ["memcached", "postgres", "postgres"])
        #expect(imported.topology.services.map(\.name) == ["orders"])
    }

    @Test("brokers: topics named by variables are channels; the direction comes from the variable's words")
    func brokers() throws {
        let imported = try imported(.compose, [("compose.yaml", """
            services:
              orders:
                image: acme/orders
                environment:
                  KAFKA_BROKERS: kafka:9092
                  ORDER_EVENTS_PUBLISH_TOPIC: order-events
              mailer:
                image: acme/mailer
                environment:
                  KAFKA_BROKERS: kafka:9092
                  ORDER_EVENTS_CONSUMER_TOPIC: order-events
              audit:
                image: acme/audit
                environment:
                  KAFKA_BROKERS: kafka:9092
                  ORDERS_TOPIC: order-events
              kafka:
                image: confluentinc/cp-kafka:7.6.1
            """)])
        #expect(imported.publishes("orders") == ["order-events"])
        #expect(imported.consumes("mailer") == ["order-events"])
        #expect(imported.publishes("audit").isEmpty && imported.consumes("audit").isEmpty)
        #expect(imported.result.notes.contains { $0.contains("nothing says whether 'audit' publishes to or consumes from 'order-events'") })
        #expect(imported.topology.channels.map { $0.broker?.rawValue ?? "" } == ["kafka"])
        #expect(imported.topology.services.map(\.name).sorted() == ["audit", "mailer", "orders"])
    }

    @Test("a broker without topic variables is one channel named after it, when the direction is known")
    func brokerWithoutTopics() throws {
        let imported = try imported(.compose, [("compose.yaml", """
            services:
              producer:
                image: acme/producer
                environment:
                  PUBLISH_AMQP_URL: amqp://guest:guest@rabbitmq:5672/
              worker:
                image: acme/worker
                environment:
                  CONSUMER_AMQP_URL: amqp://rabbitmq
              nats-user:
                image: acme/nats-user
                environment:
                  NATS_PUBLISHER_URL: nats://nats:4222
              rabbitmq: { image: "rabbitmq:3-management" }
              nats:
                image: nats:2.10
            """)])
        #expect(imported.publishes("producer") == ["rabbitmq"])
        #expect(imported.consumes("worker") == ["rabbitmq"])
        #expect(imported.publishes("nats-user") == ["nats"])
        let nats = try #require(imported.topology.channels.first { $0.name == "nats" })
        #expect(nats.delivery == .atMostOnce)
    }

    @Test("Redis is a datastore unless it is named as a queue", arguments: [
        ("cache", "REDIS_HOST", "datastore"), ("job-queue", "REDIS_HOST", "channel"), ("redis", "QUEUE_REDIS_HOST", "channel"),
    ])
    func redis(_ name: String, _ variable: String, _ expected: String) throws {
        let imported = try imported(.compose, [("compose.yaml", """
            services:
              app:
                image: acme/app
                environment:
                  \(variable): \(name)
                  PUBLISHER_REDIS_URL: redis://\(name)
              \(name):
                image: redis:7
            """)])
        #expect((imported.topology.datastores.isEmpty ? "channel" : "datastore") == expected)
        if expected == "channel" { #expect(imported.publishes("app") == [name]) }
    }

    @Test("tooling is left out, and variables pointing at it or at proxies are no calls")
    func tooling() throws {
        let imported = try imported(.compose, [("compose.yaml", """
            services:
              app:
                image: acme/app
                environment:
                  OTEL_EXPORTER_OTLP_ENDPOINT: http://jaeger:4317
                  HTTP_PROXY: http://squid:3128
                  GRAFANA_URL: http://grafana:3000
              jaeger: { image: "jaegertracing/all-in-one:1.57" }
              squid: { image: "ubuntu/squid" }
              grafana: { image: "grafana/grafana" }
            """)])
        #expect(imported.targets(of: "app").isEmpty)
        #expect(imported.service("app")?.tracing == true)
        #expect(imported.service("jaeger") == nil && imported.service("grafana") == nil)
    }

    @Test("override files merge into the services they name")
    func overrides() throws {
        let imported = try imported(.compose, [
            ("compose.yaml", """
                services:
                  api:
                    image: acme/api
                    environment:
                      CART_URL: http://cart-v1
                  cart-v1: { image: acme/cart }
                  cart-v2: { image: acme/cart }
                """),
            ("compose.override.yaml", """
                services:
                  api:
                    environment:
                      CART_URL: http://cart-v2
                    ports: ["8080:8080"]
                """),
        ])
        #expect(imported.targets(of: "api") == ["cart-v2"])
        #expect(imported.origin(ofCall: "api", "cart-v2")?.file == "compose.override.yaml")
        #expect(imported.service("api")?.entrypoint == true)
    }

    @Test("interpolation defaults are used; unknown variables are not guessed", arguments: [
        ("http://${API_HOST:-api}:8080", "http://api:8080"), ("${SCHEME-http}://api", "http://api"),
        ("http://${API_HOST}:8080", "http://${API_HOST}:8080"), ("price $$5", "price $5"),
    ])
    func interpolation(_ text: String, _ expected: String) {
        #expect(ComposeImporter.interpolated(text) == expected)
    }

    @Test("a public URL is a call to an external service")
    func external() throws {
        let imported = try imported(.compose, [("compose.yaml", """
            services:
              payments:
                image: acme/payments
                environment:
                  STRIPE_API_URL: https://api.stripe.com/v1
            """)])
        #expect(imported.targets(of: "payments") == ["api.stripe.com"])
        #expect(imported.service("api.stripe.com")?.external == true)
    }
}
