import FaultlineYAML
import FaultlineModel

/// One environment variable of a container or Compose service, with where
/// its value is written.
struct EnvVar {
    var name: String
    var value: String
    var location: SourceLocation
    /// How a comment names it: `env CART_ADDR`, `env CART_ADDR (ConfigMap shop-config)`.
    var why: String

    var origin: Origin { Origin(why, at: location) }
}

/// A broker instance a host resolves to, and the channel used when no
/// variable names a topic or queue on it.
struct BrokerTarget {
    var channel: String
    var broker: Sourced<Broker>?
    var delivery: Sourced<Delivery>?
    /// Where the broker is declared (its Compose service, its workload).
    var origin: Origin
}

/// What a host named in a variable turns out to be.
enum HostTarget {
    /// A service of the system, with the protocol its port says, if any;
    /// `declaration` declares it when nothing else has (a Service whose workload is not in the input).
    case service(String, via: Sourced<CallProtocol>?, declaration: Origin? = nil)
    case datastore(String)
    case broker(BrokerTarget)
    /// A service outside the system (a public API, an ExternalName Service): declared external.
    case external(String, origin: Origin)
    /// Tracing, metrics and other tooling: not part of the request graph.
    case tooling
}

/// Calls, datastore uses and channel uses inferred from one service's
/// environment, shared by the Compose and Kubernetes importers.
enum EnvironmentInference {
    /// Variables that point at tooling or proxies, never at the system's services.
    static func isExcluded(_ name: String) -> Bool {
        let upper = name.uppercased()
        let prefixes = ["OTEL_", "OTLP_", "JAEGER_", "ZIPKIN_", "DD_", "DATADOG_", "SENTRY_", "NEW_RELIC_", "NEWRELIC_",
                        "ELASTIC_APM_", "STATSD_", "PROMETHEUS_", "HONEYCOMB_", "LIGHTSTEP_"]
        return prefixes.contains { upper.hasPrefix($0) } || upper.hasSuffix("_PROXY") || upper == "NO_PROXY"
    }

    static func apply(caller: String, variables: [EnvVar], system: inout ImportedSystem, reader: SourceReader,
                      resolve: (HostReference, EnvVar) -> HostTarget?) {
        var channelVariables: [(names: [String], variable: EnvVar)] = []
        var brokerUses: [(target: BrokerTarget, variable: EnvVar)] = []

        for variable in variables where !isExcluded(variable.name) {
            if ChannelDirection.namesChannel(variable: variable.name) {
                let names = channelNames(in: variable.value)
                if !names.isEmpty {
                    channelVariables.append((names, variable))
                    continue
                }
            }
            for reference in HostReferences.extract(variable: variable.name, value: variable.value) {
                guard let target = resolve(reference, variable) else {
                    reader.notes.add("a variable names host '\(reference.host)', which is no service, datastore or broker of the input; no call inferred", at: variable.location)
                    continue
                }
                switch target {
                case .service(let name, let hint, let declaration):
                    guard name != caller else {
                        reader.notes.add("a variable names the service's own host; no call inferred", at: variable.location)
                        continue
                    }
                    if let declaration, !system.hasService(name) { system.declareService(name, origin: declaration) }
                    var call = ImportedCall(target: name, origin: variable.origin)
                    call.via = via(reference, variable, hint: hint)
                    system.addCall(call, from: caller)
                case .datastore(let name):
                    system.addDatastoreUse(name, by: caller, access: access(variable.name), origin: variable.origin)
                case .broker(let broker):
                    brokerUses.append((broker, variable))
                case .external(let name, let origin):
                    if !system.hasService(name) {
                        system.declareService(name, origin: origin)
                        system.update(name) { $0.external = true }
                    }
                    var call = ImportedCall(target: name, origin: variable.origin)
                    call.via = via(reference, variable, hint: nil)
                    system.addCall(call, from: caller)
                case .tooling:
                    continue
                }
            }
        }

        if !channelVariables.isEmpty {
            // Topics and queues named by variables are the channels; the broker
            // host says which broker they live on when there is exactly one kind.
            let kinds = Set(brokerUses.compactMap { $0.target.broker?.value })
            let broker = kinds.count == 1 ? brokerUses.first?.target.broker : nil
            let delivery = brokerUses.count == 1 ? brokerUses.first?.target.delivery : nil
            for (names, variable) in channelVariables {
                let direction = ChannelDirection.from(variable: variable.name)
                    ?? (brokerUses.count == 1 ? brokerUses.first.flatMap { ChannelDirection.from(variable: $0.variable.name) } : nil)
                for name in names {
                    system.declareChannel(name, origin: variable.origin, broker: broker, delivery: delivery)
                    use(name, direction, caller: caller, variable: variable, system: &system, reader: reader)
                }
            }
        } else {
            for (target, variable) in brokerUses {
                let direction = ChannelDirection.from(variable: variable.name)
                if direction != nil || system.hasChannel(target.channel) {
                    system.declareChannel(target.channel, origin: target.origin, broker: target.broker, delivery: target.delivery)
                }
                use(target.channel, direction, caller: caller, variable: variable, system: &system, reader: reader)
            }
        }
    }

    private static func use(_ channel: String, _ direction: ChannelDirection?, caller: String, variable: EnvVar,
                            system: inout ImportedSystem, reader: SourceReader) {
        switch direction {
        case .publishes: system.addPublish(channel, by: caller, origin: variable.origin)
        case .consumes: system.addConsume(channel, by: caller, origin: variable.origin)
        case nil:
            reader.notes.add("nothing says whether '\(caller)' publishes to or consumes from '\(channel)' (\(variable.why)); add it under publishes or consumes by hand", at: variable.location)
        }
    }

    /// Channel names in a value: `orders`, `orders,payments`; anything that is
    /// not a valid name (a URL, a host:port) is not one.
    static func channelNames(in value: String) -> [String] {
        value.split { $0 == "," || $0 == " " || $0 == ";" }.map(String.init)
            .filter { !$0.isEmpty && $0.isTopologyName && !$0.hasPrefix("x-") }
    }

    /// Read-only when the variable says so (`DB_READ_URL`, `REPLICA_HOST`), read-write otherwise.
    static func access(_ variable: String) -> DatastoreAccess {
        let words = Set(variable.uppercased().split { !$0.isLetter && !$0.isNumber }.map(String.init))
        let readWords: Set<String> = ["READ", "READER", "READONLY", "RO", "REPLICA", "REPLICAS", "SLAVE", "SECONDARY", "QUERY"]
        return words.isDisjoint(with: readWords) ? .readWrite : .read
    }

    /// The protocol: a URL scheme or path first, then what the callee's port
    /// says, then the variable's name (`…_GRPC_ADDR`).
    static func via(_ reference: HostReference, _ variable: EnvVar, hint: Sourced<CallProtocol>?) -> Sourced<CallProtocol>? {
        if let text = HostReferences.callProtocol(scheme: reference.scheme, path: reference.path),
           let value = CallProtocol(rawValue: text) {
            let what = value == .graphql && reference.path != nil ? "path \(reference.path ?? "")" : "scheme \(reference.scheme ?? "")://"
            return Sourced(value: value, origin: Origin("\(variable.why) \(what)", at: variable.location))
        }
        if let hint { return hint }
        let words = Set(variable.name.uppercased().split { !$0.isLetter && !$0.isNumber }.map(String.init))
        if words.contains("GRPC") { return Sourced(value: .grpc, origin: Origin("\(variable.why) (GRPC in the name)", at: variable.location)) }
        if words.contains("GRAPHQL") { return Sourced(value: .graphql, origin: Origin("\(variable.why) (GRAPHQL in the name)", at: variable.location)) }
        return nil
    }

    /// A host outside the system that a URL names: a public DNS name with an
    /// HTTP or gRPC scheme (`https://api.stripe.com/v1`). Internal-looking
    /// names (`.local`, `.internal`, `.svc`, `.cluster.local`) are not.
    static func publicHost(_ reference: HostReference) -> String? {
        guard let scheme = reference.scheme, ["http", "https", "grpc", "grpcs", "wss"].contains(scheme) else { return nil }
        let labels = reference.host.split(separator: ".")
        guard labels.count >= 2, let top = labels.last, top.count >= 2, top.allSatisfy({ $0.isLetter }) else { return nil }
        let internalWords = ["local", "internal", "svc", "lan", "localdomain", "corp", "home", "test", "example", "invalid", "localhost", "cluster"]
        if labels.contains(where: { internalWords.contains(String($0)) }) { return nil }
        return reference.host.isTopologyName ? reference.host : nil
    }

    /// Whether the service emits traces, from the usual tracing variables:
    /// an explicit switch (`ENABLE_TRACING=1`, `DISABLE_TRACING=true`) first,
    /// then the presence of an exporter setting (`OTEL_EXPORTER_OTLP_ENDPOINT`, `JAEGER_AGENT_HOST`).
    static func tracing(_ variables: [EnvVar]) -> Sourced<Bool>? {
        for variable in variables {
            let name = variable.name.uppercased()
            guard let value = SourceReader.truthy(variable.value) else { continue }
            if ["DISABLE_TRACING", "TRACING_DISABLED", "OTEL_SDK_DISABLED", "NO_TRACING"].contains(name) {
                return Sourced(value: !value, origin: variable.origin)
            }
            if ["ENABLE_TRACING", "TRACING_ENABLED", "TRACING", "DD_TRACE_ENABLED", "OTEL_ENABLED", "ENABLE_OTEL"].contains(name) {
                return Sourced(value: value, origin: variable.origin)
            }
        }
        for variable in variables {
            let name = variable.name.uppercased()
            if ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_JAEGER_ENDPOINT",
                "OTEL_EXPORTER_ZIPKIN_ENDPOINT", "JAEGER_AGENT_HOST", "JAEGER_ENDPOINT", "ZIPKIN_URL", "ZIPKIN_ENDPOINT"].contains(name)
                || (name == "OTEL_TRACES_EXPORTER" && variable.value.lowercased() != "none") {
                return Sourced(value: true, origin: variable.origin)
            }
        }
        return nil
    }
}
