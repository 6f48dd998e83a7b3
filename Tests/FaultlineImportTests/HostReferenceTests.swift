@testable import FaultlineImport
import Testing

@Suite("Host references in configuration values")
struct HostReferenceTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let variable: String
        let value: String
        /// `host:port` (port 0 when none), in order.
        let hosts: [String]
        var testDescription: String { "\(variable)=\(value)" }
    }

    static let cases: [Case] = [
        Case(variable: "CART_SERVICE_ADDR", value: "cartservice:7070", hosts: ["cartservice:7070"]),
        Case(variable: "API_URL", value: "http://gateway:8000/api", hosts: ["gateway:8000"]),
        Case(variable: "API_URL", value: "https://Gateway/api/v1?x=1", hosts: ["gateway:0"]),
        Case(variable: "DATABASE_URL", value: "postgres://user:s3cr@t@db:5432/app?sslmode=disable", hosts: ["db:5432"]),
        Case(variable: "JDBC_URL", value: "jdbc:postgresql://orders-db/orders", hosts: ["orders-db:0"]),
        Case(variable: "CHECKOUT_TARGET", value: "dns:///checkout:5050", hosts: ["checkout:5050"]),
        Case(variable: "KAFKA_BROKERS", value: "kafka-0:9092,kafka-1:9092", hosts: ["kafka-0:9092", "kafka-1:9092"]),
        Case(variable: "MONGO_URL", value: "mongodb://mongo-0:27017,mongo-1:27017/users?replicaSet=rs0", hosts: ["mongo-0:27017", "mongo-1:27017"]),
        Case(variable: "NATS_SERVERS", value: "nats://a:4222 nats://b:4222", hosts: ["a:4222", "b:4222"]),
        Case(variable: "REDIS_HOST", value: "redis", hosts: ["redis:0"]),
        Case(variable: "PAYMENTS_SERVICE", value: "payments", hosts: ["payments:0"]),
        Case(variable: "HOST", value: "catalog", hosts: ["catalog:0"]),
        Case(variable: "SVC_ADDR", value: "cart.shop.svc.cluster.local:7070", hosts: ["cart.shop.svc.cluster.local:7070"]),
        Case(variable: "MODE", value: "cart", hosts: []),
        Case(variable: "LOG_LEVEL", value: "debug", hosts: []),
        Case(variable: "PORT", value: "8080", hosts: []),
        Case(variable: "LISTEN_ADDR", value: "0.0.0.0:8080", hosts: []),
        Case(variable: "UPSTREAM_URL", value: "http://10.0.0.12:80", hosts: []),
        Case(variable: "SELF_URL", value: "http://localhost:8080", hosts: []),
        Case(variable: "IPV6_URL", value: "http://[::1]:80", hosts: []),
        Case(variable: "GREETING", value: "hello: world", hosts: []),
        Case(variable: "TIME", value: "12:30", hosts: []),
        Case(variable: "BAD_PORT", value: "cart:99999", hosts: []),
        Case(variable: "EMPTY_URL", value: "", hosts: []),
    ]

    @Test("host forms", arguments: cases)
    func forms(_ example: Case) {
        let found = HostReferences.extract(variable: example.variable, value: example.value).map { "\($0.host):\($0.port ?? 0)" }
        #expect(found == example.hosts)
    }

    @Test("the scheme and path give the protocol", arguments: [
        ("http", nil, "http"), ("https", nil, "http"), ("grpc", nil, "grpc"), ("dns", nil, "grpc"),
        ("http", "/graphql", "graphql"), ("thrift", nil, "thrift"), ("postgres", nil, nil), (nil, nil, nil),
    ] as [(String?, String?, String?)])
    func protocols(_ scheme: String?, _ path: String?, _ expected: String?) {
        #expect(HostReferences.callProtocol(scheme: scheme, path: path) == expected)
    }

    @Test("bare hosts only for variables named as hosts", arguments: [
        ("REDIS_HOST", true), ("CART_ADDR", true), ("ORDERS_URL", true), ("PAYMENT_SERVICE", true), ("KAFKA_BROKERS", true),
        ("DB_DSN", true), ("HOST", true), ("MODE", false), ("SERVICE_NAME", false), ("HOSTING_PLAN", false),
    ])
    func bareHost(_ variable: String, _ allowed: Bool) {
        #expect(HostReferences.bareHostAllowed(variable: variable) == allowed)
    }

    @Test("public hosts are external; internal-looking ones are not", arguments: [
        ("https://api.stripe.com/v1", "api.stripe.com"), ("grpc://pubsub.googleapis.com", "pubsub.googleapis.com"),
        ("http://cart.shop.svc.cluster.local", nil), ("https://vault.internal", nil), ("http://printer.local", nil),
        ("postgres://db.example.org/app", nil), ("api.stripe.com:443", nil),
    ] as [(String, String?)])
    func publicHosts(_ value: String, _ expected: String?) {
        let reference = HostReferences.extract(variable: "X_URL", value: value).first
        #expect(reference.flatMap(EnvironmentInference.publicHost) == expected)
    }

    @Test("channel direction from the variable's words", arguments: [
        ("ORDER_EVENTS_PUBLISH_QUEUE", ChannelDirection.publishes), ("PRODUCER_TOPIC", .publishes), ("OUTBOUND_TOPIC", .publishes),
        ("ORDERS_CONSUMER_TOPIC", .consumes), ("SUBSCRIBE_SUBJECT", .consumes), ("IN_QUEUE", .consumes),
        ("ORDERS_TOPIC", nil), ("QUEUE_NAME", nil), ("CONSUMER_OUTPUT_TOPIC", nil), ("LOGIN_TOPIC", nil),
    ] as [(String, ChannelDirection?)])
    func direction(_ variable: String, _ expected: ChannelDirection?) {
        #expect(ChannelDirection.from(variable: variable) == expected)
    }

    @Test("datastore access from the variable's words", arguments: [
        ("DATABASE_URL", "read-write"), ("DB_READ_REPLICA_HOST", "read"), ("REPORTING_RO_DSN", "read"), ("READONLY_DB_URL", "read"),
        ("THREAD_POOL_DB", "read-write"),
    ])
    func access(_ variable: String, _ expected: String) {
        #expect(EnvironmentInference.access(variable).rawValue == expected)
    }

    @Test("images: databases, brokers, Redis-likes and tooling", arguments: [
        ("postgres:16-alpine", "database postgres"), ("docker.io/bitnami/postgresql:16", "database postgres"),
        ("mysql:8.4", "database mysql"), ("mongo:7", "database mongodb"), ("mcr.microsoft.com/mssql/server:2022-latest", "database sqlserver"),
        ("docker.elastic.co/elasticsearch/elasticsearch:8.13.4", "database elasticsearch"), ("cockroachdb/cockroach:v24.1.0", "database cockroachdb"),
        ("redis:7-alpine", "keyValue redis"), ("valkey/valkey:8", "keyValue valkey"),
        ("rabbitmq:3.13-management", "broker rabbitmq"), ("confluentinc/cp-kafka:7.6.1", "broker kafka"), ("bitnami/kafka:3.7", "broker kafka"),
        ("redpandadata/redpanda:v24.1.1", "broker kafka"), ("nats:2.10", "broker nats"), ("apache/activemq-artemis:2.33.0", "broker other"),
        ("apachepulsar/pulsar:3.2.2", "broker other"), ("softwaremill/elasticmq-native", "broker sqs"),
        ("jaegertracing/all-in-one:1.57", "tooling"), ("otel/opentelemetry-collector-contrib:0.102.0", "tooling"),
        ("prom/node-exporter", "tooling"), ("localhost:5000/acme/orders:1.2@sha256:abcd", nil), ("acme/fraud-scoring:2.3", nil),
    ] as [(String, String?)])
    func images(_ image: String, _ expected: String?) {
        let described: String?
        switch Infrastructure.classify(image: image) {
        case .database(let kind)?: described = "database \(kind)"
        case .keyValue(let kind)?: described = "keyValue \(kind)"
        case .broker(let broker, _)?: described = "broker \(broker.rawValue)"
        case .tooling?: described = "tooling"
        case nil: described = nil
        }
        #expect(described == expected)
    }

    @Test("Go and protobuf durations", arguments: [
        ("2s", 2_000_000), ("0.5s", 500_000), ("250ms", 250_000), ("1m30s", 90_000_000), ("1h", 3_600_000_000),
        ("1500us", 1_500), ("1ns", 1), ("0s", 0), ("0", 0),
    ] as [(String, Int64)])
    func durations(_ text: String, _ microseconds: Int64) {
        #expect(GoDuration.parse(text)?.microseconds == microseconds)
    }

    @Test("not durations", arguments: ["", "5", "5 seconds", "s", "1.2.3s", "10d", "-1s", "9999999h"])
    func notDurations(_ text: String) {
        #expect(GoDuration.parse(text) == nil)
    }
}
