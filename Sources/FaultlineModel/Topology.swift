public import FaultlineYAML

public typealias ServiceID = Int
public typealias CallID = Int
public typealias ChannelID = Int
public typealias DatastoreID = Int

/// Where a call's effective policy came from; findings say so.
public enum PolicySource: Sendable, Equatable {
    /// Neither the call nor its file's `defaults` set it.
    case unset
    /// The call itself set it.
    case own
    /// The file's `defaults` supplied it.
    case defaults
    /// The call switched a default off (`timeout: none`, `circuit_breaker: false`).
    case disabled
}

public enum Backoff: String, Keyword {
    case none, fixed, exponential
    public static let spellings = Spellings<Self>()
}

public struct RetryPolicy: Sendable, Equatable {
    /// Total tries, the first included.
    public var maxAttempts: Int
    public var backoff: Backoff
    public var base: Duration
    public var max: Duration?
    public var jitter: Bool
    public var location: SourceLocation

    public init(maxAttempts: Int, backoff: Backoff = .none, base: Duration = .milliseconds(100),
                max: Duration? = nil, jitter: Bool = false, location: SourceLocation) {
        self.maxAttempts = maxAttempts
        self.backoff = backoff
        self.base = base
        self.max = max
        self.jitter = jitter
        self.location = location
    }

    /// The delays slept between attempts: `maxAttempts - 1` of them, each capped at `max`.
    public var totalBackoff: Duration {
        guard maxAttempts > 1 else { return .zero }
        var total = Duration.zero
        var delay = base
        for _ in 1..<maxAttempts {
            switch backoff {
            case .none: return .zero
            case .fixed: total = total + Swift.min(base, max ?? base)
            case .exponential:
                let capped = max.map { Swift.min(delay, $0) } ?? delay
                total = total + capped
                if let cap = max, delay >= cap {
                    // Every later delay is capped too.
                    continue
                }
                delay = delay * 2
            }
        }
        return total
    }
}

/// A call's or consumer's retry setting: `retry: none` is a stated policy.
public enum RetrySetting: Sendable, Equatable {
    case unset
    case none(SourceLocation)
    case policy(RetryPolicy)

    /// The policy when it retries at all (`max_attempts > 1`).
    public var retryingPolicy: RetryPolicy? {
        if case .policy(let policy) = self, policy.maxAttempts > 1 { return policy }
        return nil
    }

    public var maxAttempts: Int {
        if case .policy(let policy) = self { return policy.maxAttempts }
        return 1
    }
}

public struct CircuitBreaker: Sendable, Equatable {
    public var failureThreshold: Int?
    public var openFor: Duration?

    public init(failureThreshold: Int? = nil, openFor: Duration? = nil) {
        self.failureThreshold = failureThreshold
        self.openFor = openFor
    }
}

public enum CallProtocol: String, Keyword {
    case http, grpc, graphql, thrift, tcp
    public static let spellings = Spellings<Self>()
}
public enum Broker: String, Keyword {
    case kafka, rabbitmq, sqs, pubsub, nats, other
    public static let spellings = Spellings<Self>()
}
public enum Delivery: String, Keyword {
    case atLeastOnce = "at-least-once"
    case atMostOnce = "at-most-once"
    case exactlyOnce = "exactly-once"
    public static let spellings = Spellings<Self>()
}
public enum DatastoreAccess: String, Keyword {
    case read
    case readWrite = "read-write"
    public static let spellings = Spellings<Self>()
}

public struct Call: Sendable {
    public var caller: ServiceID
    /// The caller's operation this call belongs to; nil for a service's direct calls.
    public var callerOperation: Int?
    public var target: ServiceID
    /// The target's operation named with `operation:`; nil reaches any one of them.
    public var targetOperation: Int?
    public var via: CallProtocol
    public var timeout: Duration?
    public var timeoutSource: PolicySource
    public var retry: RetrySetting
    public var retrySource: PolicySource
    public var circuitBreaker: CircuitBreaker?
    public var circuitBreakerSource: PolicySource
    public var perRequest: Int
    public var idempotent: Bool
    public var parallel: Bool
    public var optional: Bool
    /// The call's `to:` value.
    public var location: SourceLocation

    /// `timeout × max_attempts` plus the backoff delays; nil without a timeout.
    public var worstCase: Duration? {
        guard let timeout else { return nil }
        switch retry {
        case .policy(let policy): return timeout * policy.maxAttempts + policy.totalBackoff
        case .none, .unset: return timeout
        }
    }
}

public struct Operation: Sendable {
    public var name: String
    /// The operation's key under `operations:`.
    public var location: SourceLocation
    /// Calls declared under this operation only (the service's direct calls apply too).
    public var calls: [CallID]
}

public struct Consumer: Sendable {
    public var channel: ChannelID
    /// The consumer's `from:` value.
    public var location: SourceLocation
    public var dlq: ChannelID?
    public var retry: RetrySetting
    public var idempotent: Bool
    public var maxInFlight: Int?
}

public struct DatastoreUse: Sendable {
    public var datastore: DatastoreID
    public var access: DatastoreAccess
    public var location: SourceLocation
}

public struct Service: Sendable {
    public var name: String
    /// The service's key under `services:`.
    public var location: SourceLocation
    public var entrypoint: Bool
    public var timeout: Duration?
    public var owner: String?
    public var tracing: Bool
    public var external: Bool
    /// Calls listed directly under the service: they belong to every operation.
    public var calls: [CallID]
    public var operations: [Operation]
    public var publishes: [ChannelID]
    public var consumes: [Consumer]
    public var datastores: [DatastoreUse]
}

public struct Channel: Sendable {
    public var name: String
    public var location: SourceLocation
    public var broker: Broker?
    public var delivery: Delivery
    public var maxLength: Int?
    public var dlq: ChannelID?
}

public struct Datastore: Sendable {
    public var name: String
    public var location: SourceLocation
    public var kind: String?
}

/// One system, typed and validated: every reference is an index that exists.
public struct Topology: Sendable {
    public var system: String?
    public var files: [String]
    public var services: [Service]
    public var calls: [Call]
    public var channels: [Channel]
    public var datastores: [Datastore]

    public init(system: String?, files: [String], services: [Service], calls: [Call], channels: [Channel], datastores: [Datastore]) {
        self.system = system
        self.files = files
        self.services = services
        self.calls = calls
        self.channels = channels
        self.datastores = datastores
    }

    /// The calls one request to an operation makes: the service's direct calls
    /// plus the operation's own (just the direct calls when `operation` is nil).
    public func calls(of service: ServiceID, operation: Int?) -> [CallID] {
        let direct = services[service].calls
        guard let operation else { return direct }
        return direct + services[service].operations[operation].calls
    }
}
