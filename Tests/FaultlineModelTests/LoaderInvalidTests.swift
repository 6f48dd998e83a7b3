import FaultlineModel
import FaultlineYAML
import Testing

/// A small topology that must not load, where the error must be, and what it must say.
struct InvalidCase: Sendable, CustomTestStringConvertible {
    let name: String
    let yaml: String
    /// `line:column` of the diagnostic.
    let position: String
    /// Text the diagnostic's message must contain.
    let fragment: String
    /// How many diagnostics the whole load reports.
    var count = 1

    var testDescription: String { name }
}

@Suite("Loader: invalid topologies")
struct LoaderInvalidTests {
    // MARK: Unknown keys

    static let unknownKeys: [InvalidCase] = [
        InvalidCase(name: "misspelt call key", yaml: """
            faultline: 1
            services:
              a:
                calls:
                  - to: b
                    timout: 2s
              b: {}
            """, position: "6:9", fragment: "unknown key 'timout' in a call; did you mean 'timeout'?"),
        InvalidCase(name: "misspelt service key", yaml: """
            faultline: 1
            services:
              a:
                ownr: team
            """, position: "4:5", fragment: "did you mean 'owner'?"),
        InvalidCase(name: "service key far from any known key", yaml: """
            faultline: 1
            services:
              a:
                zzzz: 1
            """, position: "4:5", fragment: "expected one of 'entrypoint'"),
        InvalidCase(name: "misspelt retry key", yaml: """
            faultline: 1
            services:
              a: { calls: [{ to: b, retry: { max_attempts: 2, bakoff: fixed } }] }
              b: {}
            """, position: "3:51", fragment: "did you mean 'backoff'?"),
        InvalidCase(name: "misspelt consumer key", yaml: """
            faultline: 1
            services:
              a:
                consumes:
                  - { from: c, dql: d }
            channels: { c: {}, d: {} }
            """, position: "5:20", fragment: "did you mean 'dlq'?"),
        InvalidCase(name: "misspelt channel key", yaml: """
            faultline: 1
            services: { a: {} }
            channels:
              c: { brokr: kafka }
            """, position: "4:8", fragment: "did you mean 'broker'?"),
        InvalidCase(name: "misspelt defaults key", yaml: """
            faultline: 1
            defaults:
              timeuot: 1s
            services: { a: {} }
            """, position: "3:3", fragment: "did you mean 'timeout'?"),
        InvalidCase(name: "misspelt circuit breaker key", yaml: """
            faultline: 1
            services:
              a: { calls: [{ to: b, circuit_breaker: { open_fr: 1s } }] }
              b: {}
            """, position: "3:44", fragment: "did you mean 'open_for'?"),
        InvalidCase(name: "unknown key in an operation", yaml: """
            faultline: 1
            services:
              a:
                operations:
                  Op: { cals: [] }
            """, position: "5:13", fragment: "did you mean 'calls'?"),
        InvalidCase(name: "unknown key in a datastore use", yaml: """
            faultline: 1
            services:
              a: { datastores: [{ name: db, acess: read }] }
            datastores: { db: {} }
            """, position: "3:33", fragment: "did you mean 'access'?"),
        InvalidCase(name: "unknown key in a datastore", yaml: """
            faultline: 1
            services: { a: {} }
            datastores:
              db: { knd: postgres }
            """, position: "4:9", fragment: "did you mean 'kind'?"),
        InvalidCase(name: "misspelt top-level key", yaml: """
            faultline: 1
            services: { a: {} }
            chanels: {}
            """, position: "3:1", fragment: "unknown key 'chanels' in the topology; did you mean 'channels'?"),
        InvalidCase(name: "top-level key far from any: still names the closest", yaml: """
            faultline: 1
            services: { a: {} }
            kafka-clusters: 3
            """, position: "3:1", fragment: "did you mean '"),
        InvalidCase(name: "misspelt 'services' also reports it missing", yaml: """
            faultline: 1
            service:
              a: {}
            """, position: "2:1", fragment: "did you mean 'services'?", count: 2),
    ]

    // MARK: Wrong types

    static let wrongTypes: [InvalidCase] = [
        InvalidCase(name: "bool as a quoted string", yaml: """
            faultline: 1
            services:
              a: { entrypoint: "true" }
            """, position: "3:20", fragment: "'entrypoint' must be true or false, not the string 'true' (remove the quotes)"),
        InvalidCase(name: "bool as a word", yaml: """
            faultline: 1
            services:
              a: { tracing: maybe }
            """, position: "3:17", fragment: "'tracing' must be true or false, not 'maybe'"),
        InvalidCase(name: "bool as a number", yaml: """
            faultline: 1
            services:
              a: { calls: [{ to: b, idempotent: 1 }] }
              b: {}
            """, position: "3:37", fragment: "'idempotent' must be true or false"),
        InvalidCase(name: "external as a list", yaml: """
            faultline: 1
            services:
              a: { external: [yes] }
            """, position: "3:18", fragment: "'external' must be true or false, not a list"),
        InvalidCase(name: "integer as a word", yaml: """
            faultline: 1
            services:
              a: { calls: [{ to: b, per_request: abc }] }
              b: {}
            """, position: "3:38", fragment: "'per_request' must be a whole number, not 'abc'"),
        InvalidCase(name: "integer as a decimal", yaml: """
            faultline: 1
            services:
              a: { calls: [{ to: b, per_request: 1.5 }] }
              b: {}
            """, position: "3:38", fragment: "must be a whole number, not '1.5'"),
        InvalidCase(name: "integer as a quoted string", yaml: """
            faultline: 1
            services:
              a: { consumes: [{ from: c, max_in_flight: "8" }] }
            channels: { c: {} }
            """, position: "3:45", fragment: "'max_in_flight' must be a whole number, not the string '8'"),
        InvalidCase(name: "integer out of range", yaml: """
            faultline: 1
            services:
              a: { calls: [{ to: b, per_request: 0 }] }
              b: {}
            """, position: "3:38", fragment: "'per_request' must be between 1 and"),
        InvalidCase(name: "negative max_length", yaml: """
            faultline: 1
            services: { a: {} }
            channels:
              c: { max_length: -5 }
            """, position: "4:20", fragment: "'max_length' must be between 1 and"),
        InvalidCase(name: "failure threshold as a mapping", yaml: """
            faultline: 1
            services:
              a: { calls: [{ to: b, circuit_breaker: { failure_threshold: { n: 1 } } }] }
              b: {}
            """, position: "3:63", fragment: "'failure_threshold' must be a whole number, not a mapping"),
        InvalidCase(name: "mapping where a list is expected", yaml: """
            faultline: 1
            services:
              a:
                calls: { to: b }
              b: {}
            """, position: "4:12", fragment: "'calls' must be a list, not a mapping"),
        InvalidCase(name: "scalar where a list is expected", yaml: """
            faultline: 1
            services:
              a: { publishes: order-events }
            channels: { order-events: {} }
            """, position: "3:19", fragment: "'publishes' must be a list, not 'order-events'"),
        InvalidCase(name: "consumes as a mapping", yaml: """
            faultline: 1
            services:
              a: { consumes: { from: c } }
            channels: { c: {} }
            """, position: "3:18", fragment: "'consumes' must be a list"),
        InvalidCase(name: "datastores as a scalar", yaml: """
            faultline: 1
            services:
              a: { datastores: db }
            datastores: { db: {} }
            """, position: "3:20", fragment: "'datastores' must be a list"),
        InvalidCase(name: "a call that is a scalar", yaml: """
            faultline: 1
            services:
              a:
                calls: [b]
              b: {}
            """, position: "4:13", fragment: "a call must be a mapping of keys to values, not 'b'"),
        InvalidCase(name: "a consumer that is a scalar", yaml: """
            faultline: 1
            services:
              a:
                consumes: [c]
            channels: { c: {} }
            """, position: "4:16", fragment: "a consumer must be a mapping"),
        InvalidCase(name: "a service that is a list", yaml: """
            faultline: 1
            services:
              a: [calls]
            """, position: "3:6", fragment: "service 'a' must be a mapping of keys to values, not a list"),
        InvalidCase(name: "services as a list", yaml: """
            faultline: 1
            services: [a, b]
            """, position: "2:11", fragment: "'services' must be a mapping of names to services, not a list"),
        InvalidCase(name: "channels as a scalar", yaml: """
            faultline: 1
            services: { a: {} }
            channels: kafka
            """, position: "3:11", fragment: "'channels' must be a mapping of names to channels"),
        InvalidCase(name: "datastores as a list", yaml: """
            faultline: 1
            services: { a: {} }
            datastores: [db]
            """, position: "3:13", fragment: "'datastores' must be a mapping of names to datastores"),
        InvalidCase(name: "defaults as a list", yaml: """
            faultline: 1
            defaults: [timeout]
            services: { a: {} }
            """, position: "2:11", fragment: "'defaults' must be a mapping"),
        InvalidCase(name: "the topology as a list", yaml: """
            - faultline: 1
            """, position: "1:1", fragment: "the topology must be a mapping"),
        InvalidCase(name: "operations as a list", yaml: """
            faultline: 1
            services:
              a: { operations: [Op] }
            """, position: "3:20", fragment: "'operations' must be a mapping of operation names"),
        InvalidCase(name: "an operation that is a list", yaml: """
            faultline: 1
            services:
              a:
                operations:
                  Op: [calls]
            """, position: "5:11", fragment: "operation 'Op' must be a mapping"),
        InvalidCase(name: "retry as a number", yaml: """
            faultline: 1
            services:
              a: { calls: [{ to: b, retry: 3 }] }
              b: {}
            """, position: "3:32", fragment: "a retry policy must be a mapping of keys to values, not '3'"),
        InvalidCase(name: "circuit breaker as a word", yaml: """
            faultline: 1
            services:
              a: { calls: [{ to: b, circuit_breaker: sometimes }] }
              b: {}
            """, position: "3:42", fragment: "true, false or a mapping"),
        InvalidCase(name: "circuit breaker as a list", yaml: """
            faultline: 1
            services:
              a: { calls: [{ to: b, circuit_breaker: [5] }] }
              b: {}
            """, position: "3:42", fragment: "a circuit breaker must be a mapping"),
        InvalidCase(name: "timeout as a list", yaml: """
            faultline: 1
            services:
              a: { timeout: [1s] }
            """, position: "3:17", fragment: "service timeout must be a duration such as 250ms or 2s, not a list"),
        InvalidCase(name: "timeout left empty", yaml: """
            faultline: 1
            services:
              a: { calls: [{ to: b, timeout: }] }
              b: {}
            """, position: "3:34", fragment: "call timeout must be a duration such as 250ms or 2s, not nothing"),
        InvalidCase(name: "owner as a mapping", yaml: """
            faultline: 1
            services:
              a: { owner: { team: web } }
            """, position: "3:15", fragment: "'owner' must be a string, not a mapping"),
        InvalidCase(name: "system as a list", yaml: """
            faultline: 1
            system: [shop]
            services: { a: {} }
            """, position: "2:9", fragment: "'system' must be a string, not a list"),
        InvalidCase(name: "datastore kind as a list", yaml: """
            faultline: 1
            services: { a: {} }
            datastores:
              db: { kind: [postgres] }
            """, position: "4:15", fragment: "'kind' must be a string, not a list"),
        InvalidCase(name: "jitter as a quoted string", yaml: """
            faultline: 1
            services:
              a: { calls: [{ to: b, retry: { max_attempts: 2, jitter: "yes" } }] }
              b: {}
            """, position: "3:59", fragment: "(remove the quotes)"),
    ]

    // MARK: Durations

    static let durations: [InvalidCase] = [
        InvalidCase(name: "bare number: suggests milliseconds", yaml: """
            faultline: 1
            services:
              a: { calls: [{ to: b, timeout: 500 }] }
              b: {}
            """, position: "3:34", fragment: "call timeout '500' has no unit; did you mean 500ms?"),
        InvalidCase(name: "bare small number: suggests seconds", yaml: """
            faultline: 1
            defaults:
              timeout: 2
            services: { a: {} }
            """, position: "3:12", fragment: "did you mean 2s?"),
        InvalidCase(name: "space before the unit", yaml: """
            faultline: 1
            services:
              a: { timeout: 5 s }
            """, position: "3:17", fragment: "has a space before its unit; write 5s"),
        InvalidCase(name: "negative base", yaml: """
            faultline: 1
            services:
              a: { calls: [{ to: b, retry: { max_attempts: 2, base: -1s } }] }
              b: {}
            """, position: "3:57", fragment: "backoff 'base' '-1s' is negative"),
        InvalidCase(name: "unknown unit", yaml: """
            faultline: 1
            services:
              a: { calls: [{ to: b, circuit_breaker: { open_for: 10us } }] }
              b: {}
            """, position: "3:54", fragment: "unknown unit 'us'"),
        InvalidCase(name: "unit spelt out", yaml: """
            faultline: 1
            services:
              a: { timeout: 3seconds }
            """, position: "3:17", fragment: "did you mean 3s?"),
        InvalidCase(name: "exponent", yaml: """
            faultline: 1
            services:
              a: { timeout: 1e9h }
            """, position: "3:17", fragment: "is not a duration"),
        InvalidCase(name: "finer than a microsecond", yaml: """
            faultline: 1
            services:
              a: { timeout: 0.0005ms }
            """, position: "3:17", fragment: "finer than a microsecond"),
        InvalidCase(name: "too long", yaml: """
            faultline: 1
            services:
              a: { timeout: 99999999999h }
            """, position: "3:17", fragment: "longer than a year"),
        InvalidCase(name: "backoff max malformed", yaml: """
            faultline: 1
            services:
              a: { calls: [{ to: b, retry: { max_attempts: 2, max: 1.5.2s } }] }
              b: {}
            """, position: "3:56", fragment: "backoff 'max' '1.5.2s' is not a duration"),
    ]

    // MARK: Enumerations

    static let enums: [InvalidCase] = [
        InvalidCase(name: "via", yaml: """
            faultline: 1
            services:
              a: { calls: [{ to: b, via: soap }] }
              b: {}
            """, position: "3:30", fragment: "'via' must be one of http, grpc, graphql, thrift, tcp, not 'soap'"),
        InvalidCase(name: "via in capitals", yaml: """
            faultline: 1
            services:
              a: { calls: [{ to: b, via: GRPC }] }
              b: {}
            """, position: "3:30", fragment: "did you mean 'grpc'?"),
        InvalidCase(name: "backoff", yaml: """
            faultline: 1
            services:
              a: { calls: [{ to: b, retry: { max_attempts: 2, backoff: linear } }] }
              b: {}
            """, position: "3:60", fragment: "'backoff' must be one of none, fixed, exponential, not 'linear'"),
        InvalidCase(name: "broker", yaml: """
            faultline: 1
            services: { a: {} }
            channels:
              c: { broker: kafak }
            """, position: "4:16", fragment: "'broker' must be one of kafka, rabbitmq, sqs, pubsub, nats, other, not 'kafak'; did you mean 'kafka'?"),
        InvalidCase(name: "delivery", yaml: """
            faultline: 1
            services: { a: {} }
            channels:
              c: { delivery: exactly_once }
            """, position: "4:18", fragment: "did you mean 'exactly-once'?"),
        InvalidCase(name: "access", yaml: """
            faultline: 1
            services:
              a: { datastores: [{ name: db, access: write }] }
            datastores: { db: {} }
            """, position: "3:41", fragment: "'access' must be one of read, read-write, not 'write'"),
        InvalidCase(name: "via as a list", yaml: """
            faultline: 1
            services:
              a: { calls: [{ to: b, via: [http] }] }
              b: {}
            """, position: "3:30", fragment: "'via' must be one of http, grpc, graphql, thrift, tcp, not a list"),
    ]

    // MARK: References

    static let references: [InvalidCase] = [
        InvalidCase(name: "undeclared service, close to a declared one", yaml: """
            faultline: 1
            services:
              checkout:
                calls:
                  - to: paymnts
              payments: {}
            """, position: "5:13", fragment: "service 'paymnts' is not declared; did you mean 'payments'?"),
        InvalidCase(name: "undeclared service, close to none", yaml: """
            faultline: 1
            services:
              checkout: { calls: [{ to: zzz }] }
              payments: {}
            """, position: "3:29", fragment: "service 'zzz' is not declared under 'services:'"),
        InvalidCase(name: "undeclared operation", yaml: """
            faultline: 1
            services:
              a:
                calls:
                  - { to: b, operation: PlaceOrdr }
              b:
                operations: { PlaceOrder: {}, GetQuote: {} }
            """, position: "5:29", fragment: "operation 'PlaceOrdr' is not declared by service 'b'; did you mean 'PlaceOrder'?"),
        InvalidCase(name: "undeclared operation, close to none", yaml: """
            faultline: 1
            services:
              a:
                calls:
                  - { to: b, operation: Refund }
              b:
                operations: { PlaceOrder: {}, GetQuote: {} }
            """, position: "5:29", fragment: "it declares 'PlaceOrder', 'GetQuote'"),
        InvalidCase(name: "operation on a service without operations", yaml: """
            faultline: 1
            services:
              a:
                calls:
                  - { to: b, operation: Get }
              b: {}
            """, position: "5:29", fragment: "service 'b' declares no operations"),
        InvalidCase(name: "undeclared published channel", yaml: """
            faultline: 1
            services:
              a: { publishes: [order-events, audit] }
            channels: { order-events: {} }
            """, position: "3:34", fragment: "channel 'audit' is not declared"),
        InvalidCase(name: "undeclared consumed channel", yaml: """
            faultline: 1
            services:
              a:
                consumes:
                  - from: order-event
                    dlq: dlq
            channels: { order-events: {}, dlq: {} }
            """, position: "5:15", fragment: "channel 'order-event' is not declared; did you mean 'order-events'?"),
        InvalidCase(name: "undeclared consumer DLQ", yaml: """
            faultline: 1
            services:
              a:
                consumes:
                  - from: events
                    dlq: events-dql
            channels: { events: {}, events-dlq: {} }
            """, position: "6:14", fragment: "channel 'events-dql' is not declared; did you mean 'events-dlq'?"),
        InvalidCase(name: "undeclared channel DLQ", yaml: """
            faultline: 1
            services: { a: {} }
            channels:
              events: { dlq: nowhere }
            """, position: "4:18", fragment: "channel 'nowhere' is not declared"),
        InvalidCase(name: "undeclared datastore, short form", yaml: """
            faultline: 1
            services:
              a: { datastores: [orders-db, cache] }
            datastores: { orders-db: {} }
            """, position: "3:32", fragment: "datastore 'cache' is not declared"),
        InvalidCase(name: "undeclared datastore, long form", yaml: """
            faultline: 1
            services:
              a:
                datastores:
                  - name: ordrs-db
            datastores: { orders-db: {} }
            """, position: "5:15", fragment: "datastore 'ordrs-db' is not declared; did you mean 'orders-db'?"),
        InvalidCase(name: "a datastore listed twice for one service", yaml: """
            faultline: 1
            services:
              a: { datastores: [db, { name: db, access: read }] }
            datastores: { db: {} }
            """, position: "3:33", fragment: "datastore 'db' is listed twice for a"),
        InvalidCase(name: "a service name is not a channel", yaml: """
            faultline: 1
            services:
              a: { publishes: [b] }
              b: {}
            """, position: "3:20", fragment: "channel 'b' is not declared"),
    ]

    // MARK: Missing and out-of-range fields

    static let required: [InvalidCase] = [
        InvalidCase(name: "call without to:", yaml: """
            faultline: 1
            services:
              a:
                calls:
                  - via: grpc
                    timeout: 1s
            """, position: "5:9", fragment: "a call needs 'to:'"),
        InvalidCase(name: "flow call without to:", yaml: """
            faultline: 1
            services:
              a: { calls: [{ timeout: 1s }] }
            """, position: "3:16", fragment: "a call needs 'to:'"),
        InvalidCase(name: "consumer without from:", yaml: """
            faultline: 1
            services:
              a:
                consumes:
                  - dlq: d
            channels: { d: {} }
            """, position: "5:9", fragment: "a consumer needs 'from:'"),
        InvalidCase(name: "datastore use without name:", yaml: """
            faultline: 1
            services:
              a: { datastores: [{ access: read }] }
            datastores: { db: {} }
            """, position: "3:21", fragment: "a datastore use needs 'name:'"),
        InvalidCase(name: "retry without max_attempts", yaml: """
            faultline: 1
            services:
              a: { calls: [{ to: b, retry: { backoff: fixed } }] }
              b: {}
            """, position: "3:32", fragment: "'retry' needs 'max_attempts'"),
        InvalidCase(name: "default retry without max_attempts", yaml: """
            faultline: 1
            defaults:
              retry: { backoff: exponential }
            services: { a: {} }
            """, position: "3:10", fragment: "default retry needs 'max_attempts'"),
        InvalidCase(name: "consumer retry without max_attempts", yaml: """
            faultline: 1
            services:
              a: { consumes: [{ from: c, retry: {} }] }
            channels: { c: {} }
            """, position: "3:37", fragment: "'retry' needs 'max_attempts'"),
        InvalidCase(name: "max_attempts 0", yaml: """
            faultline: 1
            services:
              a: { calls: [{ to: b, retry: { max_attempts: 0 } }] }
              b: {}
            """, position: "3:48", fragment: "must be between 1 and 1000, not 0"),
        InvalidCase(name: "max_attempts 1001", yaml: """
            faultline: 1
            services:
              a: { calls: [{ to: b, retry: { max_attempts: 1001 } }] }
              b: {}
            """, position: "3:48", fragment: "must be between 1 and 1000, not 1001"),
        InvalidCase(name: "max_attempts 1e12", yaml: """
            faultline: 1
            services:
              a: { calls: [{ to: b, retry: { max_attempts: 1e12 } }] }
              b: {}
            """, position: "3:48", fragment: "must be a whole number, not '1e12'"),
        InvalidCase(name: "max_attempts beyond Int", yaml: """
            faultline: 1
            services:
              a: { calls: [{ to: b, retry: { max_attempts: 99999999999999999999999 } }] }
              b: {}
            """, position: "3:48", fragment: "must be between 1 and 1000"),
    ]

    // MARK: Names

    static let names: [InvalidCase] = [
        InvalidCase(name: "service name with a space", yaml: """
            faultline: 1
            services:
              "billing service": {}
            """, position: "3:3", fragment: "service name 'billing service' is not a valid name: it contains a space"),
        InvalidCase(name: "service name with a slash", yaml: """
            faultline: 1
            services:
              billing/v2: {}
            """, position: "3:3", fragment: "it contains '/'"),
        InvalidCase(name: "service name with a control character", yaml: """
            faultline: 1
            services:
              "bad\\x01name": {}
            """, position: "3:3", fragment: "service name 'bad\\u{1}name' is not a valid name: it contains a control character (U+1)"),
        InvalidCase(name: "operation name with a space", yaml: """
            faultline: 1
            services:
              a:
                operations:
                  "Place Order": {}
            """, position: "5:7", fragment: "operation name 'Place Order' is not a valid name"),
        InvalidCase(name: "channel name with a slash", yaml: """
            faultline: 1
            services: { a: {} }
            channels:
              orders/events: {}
            """, position: "4:3", fragment: "channel name 'orders/events' is not a valid name"),
        InvalidCase(name: "datastore name with a non-ASCII letter", yaml: """
            faultline: 1
            services: { a: {} }
            datastores:
              café: {}
            """, position: "4:3", fragment: "it contains 'é'"),
        InvalidCase(name: "call target with a space", yaml: """
            faultline: 1
            services:
              a: { calls: [{ to: "b c" }] }
            """, position: "3:22", fragment: "call target 'b c' is not a valid name"),
        InvalidCase(name: "empty name", yaml: """
            faultline: 1
            services:
              "": {}
            """, position: "3:3", fragment: "it is empty"),
    ]

    // MARK: The file as a whole

    static let wholeFile: [InvalidCase] = [
        InvalidCase(name: "missing faultline:", yaml: """
            # a comment first
            system: shop
            services: { a: {} }
            """, position: "2:1", fragment: "missing 'faultline: 1'"),
        InvalidCase(name: "unsupported version", yaml: """
            faultline: 2
            services: { a: {} }
            """, position: "1:12", fragment: "unsupported format version 2"),
        InvalidCase(name: "version as a string", yaml: """
            faultline: "1"
            services: { a: {} }
            """, position: "1:12", fragment: "'faultline' (the format version) must be a whole number"),
        InvalidCase(name: "version as a decimal", yaml: """
            faultline: 1.0
            services: { a: {} }
            """, position: "1:12", fragment: "must be a whole number, not '1.0'"),
        InvalidCase(name: "empty file", yaml: "", position: "1:1", fragment: "the file is empty"),
        InvalidCase(name: "only comments", yaml: "# nothing here\n# at all\n", position: "1:1", fragment: "the file is empty"),
        InvalidCase(name: "a null document", yaml: "---\n~\n", position: "1:1", fragment: "the file is empty"),
        InvalidCase(name: "services: {}", yaml: """
            faultline: 1
            services: {}
            """, position: "2:11", fragment: "'services' is empty"),
        InvalidCase(name: "services with only extensions", yaml: """
            faultline: 1
            services:
              x-template: { timeout: 1s }
            """, position: "3:3", fragment: "'services' is empty"),
        InvalidCase(name: "services left empty", yaml: """
            faultline: 1
            services:
            """, position: "2:1", fragment: "'services' is empty"),
        InvalidCase(name: "missing services", yaml: """
            faultline: 1
            channels: { c: {} }
            """, position: "1:1", fragment: "missing 'services:'"),
        InvalidCase(name: "calls on an external service", yaml: """
            faultline: 1
            services:
              payments:
                external: true
                calls:
                  - to: ledger
              ledger: {}
            """, position: "6:7", fragment: "service 'payments' is external, so its calls are not known"),
        InvalidCase(name: "operation calls on an external service", yaml: """
            faultline: 1
            services:
              payments:
                external: true
                operations:
                  Charge: { calls: [{ to: ledger }] }
              ledger: {}
            """, position: "6:24", fragment: "service 'payments' is external"),
        InvalidCase(name: "a YAML duplicate key fails the load", yaml: """
            faultline: 1
            services:
              a: {}
              a: {}
            """, position: "4:3", fragment: "duplicate key 'a'"),
        InvalidCase(name: "a YAML syntax error fails the load", yaml: """
            faultline: 1
            services: { a: {}
            """, position: "2:11", fragment: "never closed"),
        InvalidCase(name: "two YAML documents fail the load", yaml: """
            faultline: 1
            services: { a: {} }
            ---
            faultline: 1
            """, position: "3:1", fragment: "one YAML document"),
    ]

    static func check(_ invalid: InvalidCase, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let found = diagnostics(invalid.yaml, sourceLocation: sourceLocation)
        let summary = found.map(\.description).joined(separator: "\n")
        #expect(found.contains { $0.position == invalid.position && $0.message.contains(invalid.fragment) },
                "no diagnostic at \(invalid.position) containing \"\(invalid.fragment)\"; got:\n\(summary)", sourceLocation: sourceLocation)
        #expect(found.count == invalid.count, "got:\n\(summary)", sourceLocation: sourceLocation)
        #expect(found.allSatisfy { $0.location.file == "test.yaml" }, sourceLocation: sourceLocation)
    }

    @Test("unknown keys", arguments: unknownKeys)
    func unknownKey(_ invalid: InvalidCase) { Self.check(invalid) }

    @Test("wrong types", arguments: wrongTypes)
    func wrongType(_ invalid: InvalidCase) { Self.check(invalid) }

    @Test("bad durations", arguments: durations)
    func badDuration(_ invalid: InvalidCase) { Self.check(invalid) }

    @Test("bad enumeration values", arguments: enums)
    func badEnum(_ invalid: InvalidCase) { Self.check(invalid) }

    @Test("undeclared references, at the exact position of the name", arguments: references)
    func undeclared(_ invalid: InvalidCase) { Self.check(invalid) }

    @Test("missing and out-of-range fields", arguments: required)
    func missingField(_ invalid: InvalidCase) { Self.check(invalid) }

    @Test("invalid names", arguments: names)
    func invalidName(_ invalid: InvalidCase) { Self.check(invalid) }

    @Test("the file as a whole", arguments: wholeFile)
    func wholeFileProblem(_ invalid: InvalidCase) { Self.check(invalid) }

    // MARK: Every problem at once

    @Test("five independent problems give five diagnostics, sorted by position")
    func allProblemsAtOnce() {
        // The duplicate key comes from the YAML layer, the rest from the loader:
        // only a final sort puts it last.
        let found = diagnostics("""
            faultline: 1
            services:
              a:
                ownr: x
                calls:
                  - to: b
                    via: soap
                    timeout: 500
                  - to: nope
              b: {}
              a: {}
            """)
        #expect(found.map(\.position) == ["4:5", "7:14", "8:18", "9:13", "11:3"])
        #expect(found == found.sorted())
    }

    @Test("problems in several places of a larger file are all reported")
    func manyKindsAtOnce() {
        let found = diagnostics("""
            faultline: 1
            defaults: { timeout: 2 }
            services:
              a:
                calls:
                  - { to: b, per_request: 0 }
                consumes:
                  - { from: c1, max_in_flight: 0 }
              b: { tracing: maybe }
            channels:
              c1: { delivery: sometimes }
            datastores:
              db: { kind: [x] }
            """)
        #expect(found.map(\.position) == ["2:22", "6:31", "8:36", "9:17", "11:19", "13:15"])
    }

    @Test("a problem in a call does not hide problems in the calls after it")
    func keepsGoingAfterABadCall() {
        let found = diagnostics("""
            faultline: 1
            services:
              a:
                calls:
                  - { to: x1 }
                  - { to: b, timeout: 1 }
                  - { to: x2 }
                  - { to: b, retry: { max_attempts: 0 } }
              b: {}
            """)
        #expect(found.map(\.position) == ["5:15", "6:27", "7:15", "8:41"])
    }
}
