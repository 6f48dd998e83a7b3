import FaultlineModel

/// What a container image is, when it is not one of the system's own
/// services: a database (a datastore), a message broker (channels), a
/// Redis-like store (a datastore, or a channel when named as a queue), or
/// tooling that is no part of the request graph (tracing, metrics, admin UIs).
enum InfrastructureKind: Equatable, Sendable {
    case database(kind: String)
    case keyValue(kind: String)
    case broker(Broker, product: String)
    case tooling(String)
}

enum Infrastructure {
    /// The image's repository name without registry, namespace, tag or
    /// digest: `docker.io/bitnami/postgresql:16` → (`bitnami/postgresql`, `postgresql`).
    static func repository(of image: String) -> (path: String, name: String) {
        var text = Substring(image.lowercased())
        if let at = text.firstIndex(of: "@") { text = text[..<at] }
        if let colon = text.lastIndex(of: ":"), !text[colon...].contains("/") { text = text[..<colon] }
        let parts = text.split(separator: "/")
        // A first part with a dot or a port is a registry.
        let path = parts.count > 1 && (parts[0].contains(".") || parts[0].contains(":") || parts[0] == "localhost")
            ? parts.dropFirst().joined(separator: "/") : parts.joined(separator: "/")
        return (path, String(parts.last ?? ""))
    }

    static let databases: [(names: [String], kind: String)] = [
        (["postgres", "postgresql", "postgis", "timescaledb", "timescaledb-ha", "pgvector", "postgresql-repmgr"], "postgres"),
        (["cockroach", "cockroachdb"], "cockroachdb"),
        (["yugabyte", "yugabytedb"], "yugabytedb"),
        (["mysql", "mysql-server", "percona", "percona-server"], "mysql"),
        (["mariadb"], "mariadb"),
        (["mongo", "mongodb", "mongodb-community-server", "mongodb-enterprise-server"], "mongodb"),
        (["memcached"], "memcached"),
        (["elasticsearch"], "elasticsearch"),
        (["opensearch"], "opensearch"),
        (["cassandra"], "cassandra"),
        (["scylla", "scylladb"], "scylladb"),
        (["couchdb"], "couchdb"),
        (["couchbase", "couchbase-server"], "couchbase"),
        (["neo4j"], "neo4j"),
        (["influxdb"], "influxdb"),
        (["clickhouse", "clickhouse-server"], "clickhouse"),
        (["dynamodb-local"], "dynamodb"),
        (["minio"], "s3"),
        (["arangodb"], "arangodb"),
        (["rethinkdb"], "rethinkdb"),
        (["etcd"], "etcd"),
    ]

    static let keyValues: [(names: [String], kind: String)] = [
        (["redis", "redis-stack", "redis-stack-server", "redis-cluster"], "redis"),
        (["valkey"], "valkey"),
        (["keydb"], "keydb"),
        (["dragonfly"], "dragonfly"),
    ]

    static let brokers: [(names: [String], broker: Broker, product: String)] = [
        (["rabbitmq"], .rabbitmq, "RabbitMQ"),
        (["kafka", "cp-kafka", "cp-server", "kafka-native"], .kafka, "Kafka"),
        (["redpanda"], .kafka, "Redpanda"),
        (["nats"], .nats, "NATS"),
        (["nats-streaming"], .nats, "NATS Streaming"),
        (["activemq", "activemq-artemis", "artemis", "activemq-classic"], .other, "ActiveMQ"),
        (["pulsar", "pulsar-all"], .other, "Pulsar"),
        (["elasticmq", "elasticmq-native"], .sqs, "ElasticMQ (SQS)"),
        (["mosquitto", "emqx", "hivemq4"], .other, "MQTT"),
    ]

    static let tooling: [String] = [
        "zookeeper", "cp-zookeeper", "all-in-one", "jaeger", "jaeger-collector", "jaeger-query", "jaeger-agent", "zipkin",
        "opentelemetry-collector", "opentelemetry-collector-contrib", "otel-collector", "otelcol", "otelcol-contrib",
        "prometheus", "grafana", "loki", "promtail", "tempo", "alertmanager", "pushgateway", "node-exporter", "cadvisor",
        "kibana", "fluentd", "fluent-bit", "filebeat", "metricbeat", "datadog-agent",
        "adminer", "pgadmin4", "phpmyadmin", "mongo-express", "redis-commander", "redisinsight", "kafka-ui", "kafdrop",
        "akhq", "cp-schema-registry", "schema-registry", "cp-control-center", "mailhog", "mailpit", "consul", "vault",
        "portainer", "statsd", "graphite", "busybox", "curl", "pause", "istio-proxy", "proxyv2", "envoy-agent", "linkerd-proxy",
        "oauth2-proxy", "loadgenerator", "locust", "k6",
    ]

    static func classify(image: String) -> InfrastructureKind? {
        let (path, name) = repository(of: image)
        if path.contains("mssql") { return .database(kind: "sqlserver") }
        if path.contains("pubsub-emulator") { return .broker(.pubsub, product: "Pub/Sub emulator") }
        if path.contains("jaeger") { return .tooling("Jaeger") }
        if path.hasPrefix("datadog/") { return .tooling("Datadog") }
        if let entry = databases.first(where: { $0.names.contains(name) }) { return .database(kind: entry.kind) }
        if let entry = keyValues.first(where: { $0.names.contains(name) }) { return .keyValue(kind: entry.kind) }
        if let entry = brokers.first(where: { $0.names.contains(name) }) { return .broker(entry.broker, product: entry.product) }
        if tooling.contains(name) || name.hasSuffix("-exporter") { return .tooling(name) }
        return nil
    }

    /// Names that mark a Redis-like store as a queue or stream rather than a
    /// cache or database: the store's own name, or the variable that points at it.
    static let queueWords = ["queue", "stream", "streams", "broker", "pubsub", "events", "bus", "jobs", "tasks"]

    static func namedAsQueue(_ text: String) -> Bool {
        let words = text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
        return words.contains { queueWords.contains($0) }
    }
}

/// Which way a service uses a channel, from the words of the variable that
/// names it: `ORDERS_PUBLISH_TOPIC` publishes, `PAYMENTS_CONSUMER_QUEUE` consumes.
enum ChannelDirection: Equatable, Sendable {
    case publishes, consumes

    static let publishWords: Set<String> = ["PUBLISH", "PUBLISHER", "PUBLISHES", "PUB", "PRODUCE", "PRODUCER", "PRODUCES", "PRODUCING",
                                            "SEND", "SENDER", "EMIT", "EMITTER", "OUT", "OUTPUT", "OUTBOUND", "OUTGOING", "SINK"]
    static let consumeWords: Set<String> = ["CONSUME", "CONSUMER", "CONSUMES", "CONSUMING", "SUB", "SUBSCRIBE", "SUBSCRIBER", "SUBSCRIPTION",
                                            "LISTEN", "LISTENER", "RECEIVE", "RECEIVER", "IN", "INPUT", "INBOUND", "INCOMING", "SOURCE", "WORKER", "GROUP"]

    /// The direction the words say, or nil when they say none or both.
    static func from(variable: String) -> ChannelDirection? {
        let words = Set(variable.uppercased().split { !$0.isLetter && !$0.isNumber }.map(String.init))
        let publishes = !words.isDisjoint(with: publishWords)
        let consumes = !words.isDisjoint(with: consumeWords)
        if publishes == consumes { return nil }
        return publishes ? .publishes : .consumes
    }

    /// Variable names that hold channel names (not hosts): `ORDERS_TOPIC`, `QUEUE_NAME`, `EVENTS_SUBJECT`.
    static let channelSuffixes = ["_TOPIC", "_TOPICS", "_TOPIC_NAME", "_QUEUE", "_QUEUES", "_QUEUE_NAME", "_EXCHANGE", "_EXCHANGE_NAME",
                                  "_SUBJECT", "_SUBJECTS", "_STREAM", "_STREAM_NAME", "_CHANNEL", "_ROUTING_KEY"]

    static func namesChannel(variable: String) -> Bool {
        let name = variable.uppercased()
        return channelSuffixes.contains { name.hasSuffix($0) } || ["TOPIC", "TOPICS", "QUEUE", "QUEUE_NAME", "TOPIC_NAME", "EXCHANGE", "SUBJECT", "STREAM"].contains(name)
    }
}
