public import FaultlineYAML
import FaultlineModel

/// Where an imported fact came from: the place in the source file that
/// states it (and where a fix belongs), and a short human reason such as
/// `env PRODUCT_CATALOG_SERVICE_ADDR`.
public struct Origin: Sendable, Hashable {
    public let location: SourceLocation
    public let why: String

    public init(_ why: String, at location: SourceLocation) {
        self.location = location
        self.why = why
    }

    init(_ why: String, at node: YAMLNode) {
        self.init(why, at: node.location)
    }
}

/// A value together with where it came from.
struct Sourced<Value> {
    var value: Value
    var origin: Origin
}

/// A retry policy in the topology's terms.
enum RetryFact: Equatable {
    /// Retries switched off (`retry: none`).
    case none
    case policy(maxAttempts: Int, backoff: Backoff, base: Duration?, max: Duration?, jitter: Bool)
}

struct CircuitBreakerFact: Equatable {
    var failureThreshold: Int?
    var openFor: Duration?
}

/// An `x-` key on a call or service: a fact the format has no field for,
/// kept for the reader. The value is written as YAML flow text.
struct ExtensionFact {
    var key: String
    var value: String
    var origin: Origin
}

struct ImportedCall {
    var target: String
    /// What created the call: the env var, link or dependency.
    var origin: Origin
    /// The rule that governs the call's policy (an Istio route), when there is
    /// one: the call's `to:` line maps there, since that is where a missing
    /// timeout or retry policy is fixed.
    var governedBy: Origin?
    var via: Sourced<CallProtocol>?
    /// `nil` value: switched off (`timeout: none`).
    var timeout: Sourced<Duration?>?
    var retry: Sourced<RetryFact>?
    var circuitBreaker: Sourced<CircuitBreakerFact>?
    var extensions: [ExtensionFact] = []
}

struct ChannelUse {
    var channel: String
    var origin: Origin
}

struct DatastoreUseFact {
    var datastore: String
    var access: DatastoreAccess
    var origin: Origin
}

struct ImportedService {
    var name: String
    var origin: Origin
    var entrypoint: Origin?
    var owner: Sourced<String>?
    var tracing: Sourced<Bool>?
    var external = false
    var calls: [ImportedCall] = []
    var publishes: [ChannelUse] = []
    var consumes: [ChannelUse] = []
    var datastores: [DatastoreUseFact] = []
    var extensions: [ExtensionFact] = []
}

struct ImportedChannel {
    var name: String
    var origin: Origin
    var broker: Sourced<Broker>?
    var delivery: Sourced<Delivery>?
}

struct ImportedDatastore {
    var name: String
    var origin: Origin
    var kind: Sourced<String>?
}

/// Everything an importer found, before rendering. Services, channels and
/// datastores are kept in maps for lookup; `sorted()` gives the order the
/// renderer writes, so no map's order ever reaches the output.
struct ImportedSystem {
    var system: Sourced<String>?
    private(set) var services: [String: ImportedService] = [:]
    private(set) var channels: [String: ImportedChannel] = [:]
    private(set) var datastores: [String: ImportedDatastore] = [:]

    // MARK: Declarations (the first declaration of a name wins)

    @discardableResult
    mutating func declareService(_ name: String, origin: Origin) -> Bool {
        guard services[name] == nil else { return false }
        services[name] = ImportedService(name: name, origin: origin)
        return true
    }

    mutating func declareChannel(_ name: String, origin: Origin, broker: Sourced<Broker>? = nil, delivery: Sourced<Delivery>? = nil) {
        if var existing = channels[name] {
            if existing.broker == nil { existing.broker = broker }
            if existing.delivery == nil { existing.delivery = delivery }
            channels[name] = existing
            return
        }
        channels[name] = ImportedChannel(name: name, origin: origin, broker: broker, delivery: delivery)
    }

    mutating func declareDatastore(_ name: String, origin: Origin, kind: Sourced<String>?) {
        guard datastores[name] == nil else { return }
        datastores[name] = ImportedDatastore(name: name, origin: origin, kind: kind)
    }

    func hasService(_ name: String) -> Bool { services[name] != nil }
    func hasChannel(_ name: String) -> Bool { channels[name] != nil }
    func hasDatastore(_ name: String) -> Bool { datastores[name] != nil }
    func service(_ name: String) -> ImportedService? { services[name] }

    mutating func update(_ name: String, _ change: (inout ImportedService) -> Void) {
        guard var service = services[name] else { return }
        change(&service)
        services[name] = service
    }

    // MARK: Uses (one per pair; the earliest evidence wins, later ones are remembered in its reason)

    /// Adds a call unless the caller already calls the target; returns whether it was added.
    @discardableResult
    mutating func addCall(_ call: ImportedCall, from caller: String) -> Bool {
        guard var service = services[caller] else { return false }
        if let index = service.calls.firstIndex(where: { $0.target == call.target }) {
            service.calls[index].origin = Self.merged(service.calls[index].origin, call.origin)
            if service.calls[index].via == nil { service.calls[index].via = call.via }
            services[caller] = service
            return false
        }
        service.calls.append(call)
        services[caller] = service
        return true
    }

    func calls(_ caller: String, _ target: String) -> Bool {
        services[caller]?.calls.contains { $0.target == target } ?? false
    }

    mutating func addPublish(_ channel: String, by service: String, origin: Origin) {
        update(service) { entry in
            if let index = entry.publishes.firstIndex(where: { $0.channel == channel }) {
                entry.publishes[index].origin = Self.merged(entry.publishes[index].origin, origin)
            } else {
                entry.publishes.append(ChannelUse(channel: channel, origin: origin))
            }
        }
    }

    mutating func addConsume(_ channel: String, by service: String, origin: Origin) {
        update(service) { entry in
            if let index = entry.consumes.firstIndex(where: { $0.channel == channel }) {
                entry.consumes[index].origin = Self.merged(entry.consumes[index].origin, origin)
            } else {
                entry.consumes.append(ChannelUse(channel: channel, origin: origin))
            }
        }
    }

    func uses(_ service: String, channel: String) -> Bool {
        guard let entry = services[service] else { return false }
        return entry.publishes.contains { $0.channel == channel } || entry.consumes.contains { $0.channel == channel }
    }

    mutating func addDatastoreUse(_ datastore: String, by service: String, access: DatastoreAccess, origin: Origin) {
        update(service) { entry in
            if let index = entry.datastores.firstIndex(where: { $0.datastore == datastore }) {
                entry.datastores[index].origin = Self.merged(entry.datastores[index].origin, origin)
                // Any evidence of writing makes it a writer.
                if access == .readWrite { entry.datastores[index].access = .readWrite }
            } else {
                entry.datastores.append(DatastoreUseFact(datastore: datastore, access: access, origin: origin))
            }
        }
    }

    func usesDatastore(_ service: String, _ datastore: String) -> Bool {
        services[service]?.datastores.contains { $0.datastore == datastore } ?? false
    }

    /// The earlier origin, noting the later evidence in its reason.
    private static func merged(_ first: Origin, _ second: Origin) -> Origin {
        let (earlier, later) = second.location < first.location ? (second, first) : (first, second)
        if earlier.why.contains(later.why) { return earlier }
        let also = earlier.why.hasSuffix(")") && earlier.why.contains(" (also ")
            ? String(earlier.why.dropLast()) + ", \(later.why))"
            : earlier.why + " (also \(later.why))"
        return Origin(also, at: earlier.location)
    }

    // MARK: Output order

    var sortedServices: [ImportedService] {
        services.keys.sorted().compactMap { services[$0] }.map { service in
            var service = service
            service.calls.sort { $0.target < $1.target }
            service.publishes.sort { $0.channel < $1.channel }
            service.consumes.sort { $0.channel < $1.channel }
            service.datastores.sort { $0.datastore < $1.datastore }
            service.extensions.sort { $0.key < $1.key }
            for index in service.calls.indices { service.calls[index].extensions.sort { $0.key < $1.key } }
            return service
        }
    }

    var sortedChannels: [ImportedChannel] { channels.keys.sorted().compactMap { channels[$0] } }
    var sortedDatastores: [ImportedDatastore] { datastores.keys.sorted().compactMap { datastores[$0] } }

    var callCount: Int { services.values.reduce(0) { $0 + $1.calls.count } }
}
