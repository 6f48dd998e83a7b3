import FaultlineYAML
import FaultlineModel

/// Istio's routing resources, read into what governs a call: the
/// VirtualService route (timeout, retries), the DestinationRule
/// (outlier detection as a circuit breaker, connection pool limits), and
/// what the mesh does where a route sets nothing. See docs/importers.md.
struct IstioConfiguration {
    let reader: SourceReader
    /// Whether the input holds any Istio resource (the mesh is installed).
    var present = false
    private(set) var virtualServices: [VirtualService] = []
    private(set) var destinationRules: [DestinationRule] = []
    private(set) var serviceEntries: [ServiceEntry] = []
    /// Indexes of virtualServices and destinationRules by exact host; patterns with `*` are kept apart.
    private var virtualServicesByHost: [String: [Int]] = [:]
    private var wildcardVirtualServices: [Int] = []
    private var destinationRulesByHost: [String: [Int]] = [:]
    private var wildcardDestinationRules: [Int] = []

    /// Istio's retry policy where a route sets none: 2 retries (3 attempts)
    /// on connect-failure, refused-stream, unavailable, cancelled and
    /// retriable-status-codes, with Envoy's default back-off (25 ms base,
    /// 250 ms cap, fully jittered).
    static let defaultRetryOn = "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes"
    static let defaultRetry = RetryFact.policy(maxAttempts: 3, backoff: .exponential, base: .milliseconds(25), max: .milliseconds(250), jitter: true)

    init(reader: SourceReader) { self.reader = reader }

    struct Match {
        let sourceLabels: [String: String]
        let sourceNamespace: String?
        let gateways: [String]?
        /// Conditions on the request itself (uri, headers, method…): the route takes only some requests.
        let requestLevel: Bool
    }

    struct Retries {
        let node: YAMLNode
        let attempts: (value: Int, node: YAMLNode)?
        let perTryTimeout: (value: Duration, node: YAMLNode)?
        let retryOn: (value: String, node: YAMLNode)?
        let backoff: (value: Duration, node: YAMLNode)?
    }

    struct Route {
        let node: YAMLNode
        let index: Int
        let name: String?
        let matches: [Match]
        let timeout: (value: Duration, node: YAMLNode)?
        let retries: Retries?
        let destinations: [(host: String, subset: String?, node: YAMLNode)]
    }

    struct VirtualService {
        let object: KubernetesImporter.Object
        let hosts: [String]
        let gateways: [String]
        let exportTo: [String]?
        let routes: [Route]

        var meshBound: Bool { gateways.isEmpty || gateways.contains("mesh") }
    }

    struct TrafficPolicy {
        let outlier: (value: CircuitBreakerFact?, node: YAMLNode)?
        let connectionPool: (value: String, node: YAMLNode)?
    }

    struct DestinationRule {
        let object: KubernetesImporter.Object
        /// The host's readings (see `normalize`).
        let hosts: [String]
        let exportTo: [String]?
        let policy: TrafficPolicy?
        let subsets: [String: TrafficPolicy]
    }

    struct ServiceEntry {
        let hosts: [(pattern: String, node: YAMLNode)]
        let namespace: String
        let name: String
        let exportTo: [String]?
        let meshInternal: Bool
        let ports: [(number: Int?, protocol: String)]

        /// Whether the sidecar sees only TCP or TLS on that port (or on every port when it is not known).
        func l4Only(_ port: Int?) -> Bool {
            let l4: Set<String> = ["TCP", "TLS", "HTTPS", "MONGO", "MYSQL", "REDIS"]
            let chosen = port.flatMap { number in ports.filter { $0.number == number } }.flatMap { $0.isEmpty ? nil : $0 } ?? ports
            return !chosen.isEmpty && chosen.allSatisfy { l4.contains($0.protocol.uppercased()) }
        }
    }

    // MARK: Reading

    mutating func add(_ object: KubernetesImporter.Object) {
        present = true
        let spec = object.root["spec"]
        guard let spec, spec.kind == .mapping else {
            if object.kind != "Gateway" { reader.error("this \(object.kind) needs a 'spec' mapping", at: object.nameNode) }
            return
        }
        switch object.kind {
        case "VirtualService": readVirtualService(object, spec)
        case "DestinationRule": readDestinationRule(object, spec)
        case "ServiceEntry": readServiceEntry(object, spec)
        default: break
        }
    }

    private func strings(_ node: YAMLNode?, what: String) -> [String]? {
        guard let node else { return nil }
        return (reader.list(node, what: what) ?? []).compactMap { reader.string($0, what: "an entry of \(what)") }
    }

    private mutating func readVirtualService(_ object: KubernetesImporter.Object, _ spec: YAMLNode) {
        guard let hostsNode = spec["hosts"] else {
            reader.error("this VirtualService needs 'spec.hosts'", at: spec)
            return
        }
        let hosts = (strings(hostsNode, what: "'hosts'") ?? []).flatMap { normalize($0, namespace: object.namespace) }
        var routes: [Route] = []
        for (key, keyNode, value) in reader.mapping(spec, what: "the VirtualService spec") ?? [] {
            switch key {
            case "hosts", "gateways", "exportTo": continue
            case "http":
                for (index, element) in (reader.list(value, what: "'http'") ?? []).enumerated() {
                    if let route = readRoute(element, index: index, object: object) { routes.append(route) }
                }
            case "tcp", "tls":
                reader.notes.add("VirtualService '\(key)' routes are not modelled (no timeouts or retries at that level)", at: keyNode)
            default:
                reader.notes.add("skipped VirtualService field '\(key)'", at: keyNode)
            }
        }
        Self.index(hosts, as: virtualServices.count, into: &virtualServicesByHost, wildcards: &wildcardVirtualServices)
        virtualServices.append(VirtualService(object: object, hosts: hosts, gateways: strings(spec["gateways"], what: "'gateways'") ?? [],
                                              exportTo: strings(spec["exportTo"], what: "'exportTo'"), routes: routes))
    }

    private func readRoute(_ node: YAMLNode, index: Int, object: KubernetesImporter.Object) -> Route? {
        guard let fields = reader.mapping(node, what: "an http route") else { return nil }
        var matches: [Match] = []
        var timeout: (Duration, YAMLNode)?
        var retries: Retries?
        var destinations: [(String, String?, YAMLNode)] = []
        var name: String?
        let requestKeys: Set<String> = ["uri", "scheme", "method", "authority", "headers", "port", "queryParams", "withoutHeaders", "ignoreUriCase", "statPrefix"]
        for (key, keyNode, value) in fields {
            switch key {
            case "name":
                name = value.text
            case "match":
                for match in reader.list(value, what: "'match'") ?? [] {
                    guard match.kind == .mapping else { continue }
                    var labels: [String: String] = [:]
                    for (label, _, text) in match["sourceLabels"].map({ $0.entries.compactMap { pair in pair.key.scalar.map { ($0, pair.key, pair.value) } } }) ?? [] {
                        if let text = text.text { labels[label] = text }
                    }
                    let keys = Set(match.entries.compactMap { $0.key.scalar })
                    matches.append(Match(sourceLabels: labels, sourceNamespace: match["sourceNamespace"]?.text,
                                         gateways: strings(match["gateways"], what: "'gateways'"),
                                         requestLevel: !keys.isDisjoint(with: requestKeys)))
                }
            case "route":
                for destination in reader.list(value, what: "'route'") ?? [] {
                    guard let hostNode = destination.path("destination", "host") else {
                        reader.error("a route destination needs 'destination.host'", at: destination)
                        continue
                    }
                    guard let host = reader.string(hostNode, what: "'destination.host'") else { continue }
                    destinations.append((host.lowercased(), destination.path("destination", "subset")?.text, hostNode))
                }
            case "timeout":
                if let duration = reader.duration(value, what: "route timeout") { timeout = (duration, value) }
            case "retries":
                retries = readRetries(value)
            case "fault", "mirror", "mirrors", "mirrorPercentage", "mirror_percent", "delegate", "directResponse", "redirect":
                reader.notes.add("VirtualService route field '\(key)' is not modelled", at: keyNode)
            case "rewrite", "headers", "corsPolicy":
                continue
            default:
                reader.notes.add("skipped VirtualService route field '\(key)'", at: keyNode)
            }
        }
        return Route(node: node, index: index, name: name, matches: matches, timeout: timeout, retries: retries, destinations: destinations)
    }

    private func readRetries(_ node: YAMLNode) -> Retries? {
        guard let fields = reader.mapping(node, what: "'retries'") else { return nil }
        var attempts: (Int, YAMLNode)?
        var perTry: (Duration, YAMLNode)?
        var retryOn: (String, YAMLNode)?
        var backoff: (Duration, YAMLNode)?
        for (key, keyNode, value) in fields {
            switch key {
            case "attempts":
                if let count = reader.integer(value, what: "'retries.attempts'", in: 0...999) { attempts = (count, value) }
            case "perTryTimeout":
                if let duration = reader.duration(value, what: "'retries.perTryTimeout'") { perTry = (duration, value) }
            case "retryOn":
                if let text = reader.string(value, what: "'retries.retryOn'") { retryOn = (text, value) }
            case "backoff":
                if let duration = reader.duration(value, what: "'retries.backoff'") { backoff = (duration, value) }
            case "retryRemoteLocalities", "retryIgnorePreviousHosts":
                continue
            default:
                reader.notes.add("skipped VirtualService retries field '\(key)'", at: keyNode)
            }
        }
        return Retries(node: node, attempts: attempts, perTryTimeout: perTry, retryOn: retryOn, backoff: backoff)
    }

    private mutating func readDestinationRule(_ object: KubernetesImporter.Object, _ spec: YAMLNode) {
        guard let hostNode = spec["host"] else {
            reader.error("this DestinationRule needs 'spec.host'", at: spec)
            return
        }
        guard let host = reader.string(hostNode, what: "'host'") else { return }
        var subsets: [String: TrafficPolicy] = [:]
        for subset in spec["subsets"].flatMap({ reader.list($0, what: "'subsets'") }) ?? [] {
            guard let name = subset["name"]?.text, let policyNode = subset["trafficPolicy"] else { continue }
            subsets[name] = readTrafficPolicy(policyNode, rule: object.name)
        }
        for (key, keyNode, _) in reader.mapping(spec, what: "the DestinationRule spec") ?? [] where !["host", "trafficPolicy", "subsets", "exportTo", "workloadSelector"].contains(key) {
            reader.notes.add("skipped DestinationRule field '\(key)'", at: keyNode)
        }
        Self.index(normalize(host, namespace: object.namespace), as: destinationRules.count, into: &destinationRulesByHost, wildcards: &wildcardDestinationRules)
        destinationRules.append(DestinationRule(object: object, hosts: normalize(host, namespace: object.namespace),
                                                exportTo: strings(spec["exportTo"], what: "'exportTo'"),
                                                policy: spec["trafficPolicy"].map { readTrafficPolicy($0, rule: object.name) }, subsets: subsets))
    }

    private func readTrafficPolicy(_ node: YAMLNode, rule: String) -> TrafficPolicy {
        var outlier: (CircuitBreakerFact?, YAMLNode)?
        var pool: (String, YAMLNode)?
        for (key, keyNode, value) in reader.mapping(node, what: "'trafficPolicy'") ?? [] {
            switch key {
            case "outlierDetection":
                outlier = (readOutlierDetection(value), value)
            case "connectionPool":
                pool = (flattenedPool(value), value)
            case "loadBalancer", "tls", "tunnel", "proxyProtocol":
                continue
            case "portLevelSettings":
                reader.notes.add("DestinationRule portLevelSettings are not modelled; the rule's own trafficPolicy is used", at: keyNode)
            default:
                reader.notes.add("skipped DestinationRule trafficPolicy field '\(key)'", at: keyNode)
            }
        }
        return TrafficPolicy(outlier: outlier.map { ($0.0, $0.1) }, connectionPool: pool.map { ($0.0, $0.1) })
    }

    /// Outlier detection is Istio's circuit breaker: a host that fails
    /// `consecutive5xxErrors` times in a row (Envoy's default 5) is ejected for
    /// `baseEjectionTime` (default 30s). nil when ejection is switched off (0 errors).
    private func readOutlierDetection(_ node: YAMLNode) -> CircuitBreakerFact? {
        var threshold: Int?
        var gatewayThreshold: Int?
        var legacyThreshold: Int?
        var ejection: Duration?
        for (key, _, value) in reader.mapping(node, what: "'outlierDetection'") ?? [] {
            switch key {
            case "consecutive5xxErrors": threshold = reader.integer(value, what: "'consecutive5xxErrors'", in: 0...1_000_000)
            case "consecutiveGatewayErrors": gatewayThreshold = reader.integer(value, what: "'consecutiveGatewayErrors'", in: 0...1_000_000)
            case "consecutiveErrors": legacyThreshold = reader.integer(value, what: "'consecutiveErrors'", in: 0...1_000_000)
            case "baseEjectionTime": ejection = reader.duration(value, what: "'baseEjectionTime'")
            default: continue
            }
        }
        let chosen = [threshold, gatewayThreshold, legacyThreshold].compactMap { $0 }.first { $0 > 0 }
        let allOff = [threshold, gatewayThreshold, legacyThreshold].compactMap { $0 }.allSatisfy { $0 == 0 } && threshold != nil
        if allOff { return nil }
        return CircuitBreakerFact(failureThreshold: chosen ?? 5, openFor: (ejection ?? .seconds(30)) == .zero ? .seconds(30) : (ejection ?? .seconds(30)))
    }

    /// `connectionPool` limits as a flow mapping with dotted keys:
    /// `{ tcp.maxConnections: 100, http.http1MaxPendingRequests: 10 }`.
    private func flattenedPool(_ node: YAMLNode) -> String {
        var parts: [String] = []
        var pending: [(prefix: String, node: YAMLNode, depth: Int)] = [("", node, 0)]
        while let (prefix, current, depth) = pending.popLast() {
            guard current.kind == .mapping, depth < 4 else { continue }
            for (key, value) in current.entries.reversed() {
                guard let name = key.scalar else { continue }
                let path = prefix.isEmpty ? name : "\(prefix).\(name)"
                if value.kind == .mapping {
                    pending.append((path, value, depth + 1))
                } else if let text = value.text, path.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" }) {
                    parts.append("\(path): \(TopologyRenderer.flowValue(text))")
                }
            }
        }
        return "{ " + parts.sorted().joined(separator: ", ") + " }"
    }

    private mutating func readServiceEntry(_ object: KubernetesImporter.Object, _ spec: YAMLNode) {
        var hosts: [(String, YAMLNode)] = []
        for element in spec["hosts"].flatMap({ reader.list($0, what: "'hosts'") }) ?? [] {
            if let text = reader.string(element, what: "a ServiceEntry host") { hosts.append((text.lowercased(), element)) }
        }
        var ports: [(Int?, String)] = []
        for port in spec["ports"]?.elements ?? [] {
            ports.append((port["number"]?.text.flatMap { Int($0) }, port["protocol"]?.text ?? ""))
        }
        serviceEntries.append(ServiceEntry(hosts: hosts, namespace: object.namespace, name: object.name,
                                           exportTo: strings(spec["exportTo"], what: "'exportTo'"),
                                           meshInternal: spec["location"]?.text == "MESH_INTERNAL", ports: ports))
    }

    // MARK: Hosts

    /// A host as Istio reads it in a resource of `namespace`: a short name is
    /// a Service of that namespace; `svc.ns.svc` and any cluster domain become
    /// `svc.ns.svc.cluster.local`; other names stay as they are. `a.b` could be
    /// a Service `a` of namespace `b` or a name outside: both readings are kept.
    func normalize(_ host: String, namespace: String) -> [String] {
        let lower = host.lowercased()
        if lower == "*" || lower.hasPrefix("*.") { return [lower] }
        let labels = lower.split(separator: ".").map(String.init)
        if labels.count == 1 { return ["\(lower).\(namespace).svc.cluster.local"] }
        if let svc = labels.firstIndex(of: "svc"), svc >= 2 { return [labels[0...svc].joined(separator: ".") + ".cluster.local"] }
        if labels.count == 2 { return [lower, "\(lower).svc.cluster.local"] }
        return [lower]
    }

    private static func index(_ hosts: [String], as position: Int, into byHost: inout [String: [Int]], wildcards: inout [Int]) {
        for host in Set(hosts) {
            if host.hasPrefix("*") {
                if wildcards.last != position { wildcards.append(position) }
            } else {
                byHost[host, default: []].append(position)
            }
        }
    }

    /// Positions of the resources that may match a host, in input order.
    private static func candidates(_ host: String, _ byHost: [String: [Int]], _ wildcards: [Int]) -> [Int] {
        Array(Set((byHost[host] ?? []) + wildcards)).sorted()
    }

    static func matches(_ pattern: String, _ host: String) -> Bool {
        if pattern == "*" || pattern == host { return true }
        if pattern.hasPrefix("*.") { return host.hasSuffix(String(pattern.dropFirst())) }
        return false
    }

    static func visible(_ exportTo: [String]?, owner: String, from namespace: String) -> Bool {
        guard let exportTo, !exportTo.isEmpty else { return true }
        return exportTo.contains("*") || exportTo.contains(namespace) || (exportTo.contains(".") && owner == namespace)
    }

    /// Resources of the caller's namespace first, then the target's, then the rest; in input order within each.
    private static func ranked<T>(_ items: [T], namespace: (T) -> String, caller: String, target: String) -> [T] {
        let first = items.filter { namespace($0) == caller }
        let second = items.filter { namespace($0) != caller && namespace($0) == target }
        let rest = items.filter { namespace($0) != caller && namespace($0) != target }
        return first + second + rest
    }

    func serviceEntry(for host: String, from namespace: String) -> (namespace: String, origin: Origin, meshInternal: Bool, l4Only: (Int?) -> Bool)? {
        for entry in serviceEntries where Self.visible(entry.exportTo, owner: entry.namespace, from: namespace) {
            if let match = entry.hosts.first(where: { Self.matches($0.pattern, host) }) {
                return (entry.namespace, Origin("ServiceEntry \(entry.name) host \(match.pattern)", at: match.node), entry.meshInternal, entry.l4Only)
            }
        }
        return nil
    }

    /// Route destinations of VirtualServices bound to ingress gateways: what takes outside traffic.
    func gatewayDestinations() -> [(host: String, namespace: String, origin: Origin)] {
        var result: [(String, String, Origin)] = []
        for service in virtualServices where service.gateways.contains(where: { $0 != "mesh" }) {
            let gateway = service.gateways.first { $0 != "mesh" } ?? ""
            for route in service.routes {
                for destination in route.destinations {
                    result.append((destination.host, service.object.namespace,
                                   Origin("VirtualService \(service.object.name) via gateway \(gateway)", at: destination.node)))
                }
            }
        }
        return result
    }

    // MARK: Policies

    private func routeName(_ service: VirtualService, _ route: Route) -> String {
        "VirtualService \(service.object.name) http[\(route.index)]" + (route.name.map { " '\($0)'" } ?? "")
    }

    /// The route that takes a plain request from `caller` to the host, and
    /// the VirtualService it belongs to.
    private func governingRoute(_ callRoute: KubernetesImporter.CallRoute, caller: KubernetesImporter.Workload) -> (VirtualService, Route)? {
        let namespace = caller.object.namespace
        let candidates = Self.candidates(callRoute.fqdn, virtualServicesByHost, wildcardVirtualServices).map { virtualServices[$0] }.filter { service in
            service.meshBound && Self.visible(service.exportTo, owner: service.object.namespace, from: namespace)
                && service.hosts.contains { Self.matches($0, callRoute.fqdn) }
        }
        let ranked = Self.ranked(candidates, namespace: { $0.object.namespace }, caller: namespace, target: callRoute.targetNamespace)
        guard let service = ranked.first else { return nil }
        if ranked.count > 1 {
            reader.notes.add("several VirtualServices route \(callRoute.fqdn); \(service.object.name) is used", at: service.object.nameNode)
        }
        var partial: [Route] = []
        for route in service.routes {
            let applicable = route.matches.filter { match in
                match.sourceLabels.allSatisfy { caller.podLabels[$0.key] == $0.value }
                    && (match.sourceNamespace.map { $0 == namespace } ?? true)
                    && (match.gateways.map { $0.contains("mesh") } ?? true)
            }
            if route.matches.isEmpty || applicable.contains(where: { !$0.requestLevel }) {
                if !partial.isEmpty {
                    reader.notes.add("\(routeName(service, partial[0])) takes only some requests (uri, headers…); calls from '\(caller.unit)' are modelled with \(routeName(service, route))", at: partial[0].node)
                }
                return (service, route)
            }
            if !applicable.isEmpty { partial.append(route) }
        }
        if let route = partial.first {
            reader.notes.add("no route of VirtualService \(service.object.name) takes every request from '\(caller.unit)'; modelled with \(routeName(service, route))", at: route.node)
            return (service, route)
        }
        return nil
    }

    private func destinationRule(_ callRoute: KubernetesImporter.CallRoute, caller: KubernetesImporter.Workload) -> DestinationRule? {
        let namespace = caller.object.namespace
        let candidates = Self.candidates(callRoute.fqdn, destinationRulesByHost, wildcardDestinationRules).map { destinationRules[$0] }.filter {
            Self.visible($0.exportTo, owner: $0.object.namespace, from: namespace) && $0.hosts.contains { Self.matches($0, callRoute.fqdn) }
        }
        return Self.ranked(candidates, namespace: { $0.object.namespace }, caller: namespace, target: callRoute.targetNamespace).first
    }

    /// Sets a call's timeout, retry policy, circuit breaker and connection
    /// limits from the route and destination rule that govern it, and the
    /// mesh's default retries where the route sets none.
    func apply(to call: inout ImportedCall, route callRoute: KubernetesImporter.CallRoute, caller: KubernetesImporter.Workload,
               meshed: Bool, meshDefaults: Bool) {
        guard meshed else {
            if governingRoute(callRoute, caller: caller) != nil || destinationRule(callRoute, caller: caller) != nil {
                reader.notes.add("'\(caller.unit)' has no Istio sidecar, so the VirtualService and DestinationRule for \(callRoute.fqdn) do not apply to its calls", at: caller.object.nameNode)
            }
            return
        }
        let governing = callRoute.l4Only ? nil : governingRoute(callRoute, caller: caller)
        if callRoute.l4Only {
            // TCP or TLS the sidecar cannot read: HTTP routes and default retries do not apply.
        } else if let (service, route) = governing {
            let name = routeName(service, route)
            call.governedBy = Origin(name, at: route.node)
            let perTry = route.retries?.perTryTimeout
            if let perTry {
                call.timeout = Sourced(value: perTry.value, origin: Origin("\(name) retries.perTryTimeout", at: perTry.node))
                if let timeout = route.timeout {
                    call.extensions.append(ExtensionFact(key: "x-istio-route-timeout", value: timeout.value == .zero ? "none" : timeout.value.description,
                                                         origin: Origin("\(name) timeout (caps all attempts together)", at: timeout.node)))
                }
            } else if let timeout = route.timeout {
                call.timeout = timeout.value == .zero
                    ? Sourced(value: nil, origin: Origin("\(name) timeout 0s (disabled)", at: timeout.node))
                    : Sourced(value: timeout.value, origin: Origin("\(name) timeout", at: timeout.node))
            }
            if let retries = route.retries {
                let attempts = retries.attempts?.value ?? 0
                let where_ = retries.attempts?.node ?? retries.node
                if attempts == 0 {
                    call.retry = Sourced(value: .none, origin: Origin("\(name) retries.attempts \(attempts) (no retries)", at: where_))
                } else {
                    let base = retries.backoff?.value ?? .milliseconds(25)
                    call.retry = Sourced(value: .policy(maxAttempts: min(attempts + 1, 1000), backoff: .exponential, base: base, max: base * 10, jitter: true),
                                         origin: Origin("\(name) retries.attempts \(attempts) (+1 first try; Envoy's jittered back-off)", at: where_))
                    let retryOn = retries.retryOn?.value ?? Self.defaultRetryOn
                    call.extensions.append(ExtensionFact(key: "x-istio-retry-on", value: TopologyRenderer.scalar(retryOn),
                                                         origin: Origin(retries.retryOn == nil ? "Istio's default retryOn" : "\(name) retries.retryOn",
                                                                        at: retries.retryOn?.node ?? retries.node)))
                }
            } else if meshDefaults {
                call.retry = Sourced(value: Self.defaultRetry, origin: Origin("Istio default retries: 2 (no retries on \(name))", at: route.node))
            }
            // Without perTryTimeout each attempt may take the whole route timeout, and the
            // route timeout bounds all of them together: the topology has no field for that cap.
            if perTry == nil, let timeout = route.timeout, timeout.value != .zero,
               case .policy(let attempts, _, _, _, _)? = call.retry?.value, attempts > 1 {
                call.extensions.append(ExtensionFact(key: "x-istio-route-timeout", value: timeout.value.description,
                                                     origin: Origin("\(name) timeout (caps all attempts together)", at: timeout.node)))
            }
        } else if meshDefaults {
            call.retry = Sourced(value: Self.defaultRetry, origin: Origin("Istio default retries: 2 (caller in the mesh, no VirtualService for \(callRoute.fqdn))", at: call.origin.location))
        }

        guard let rule = destinationRule(callRoute, caller: caller) else { return }
        let subset = governing.flatMap { service, route in
            route.destinations.first { destination in
                normalize(destination.host, namespace: service.object.namespace).contains { Self.matches($0, callRoute.fqdn) }
            }?.subset
        }
        let subsetPolicy = subset.flatMap { rule.subsets[$0] }
        let ruleName = "DestinationRule \(rule.object.name)" + (subsetPolicy != nil ? " subset \(subset ?? "")" : "")
        if let outlier = subsetPolicy?.outlier ?? rule.policy?.outlier {
            if let breaker = outlier.value {
                call.circuitBreaker = Sourced(value: breaker, origin: Origin("\(ruleName) outlierDetection", at: outlier.node))
            } else {
                reader.notes.add("\(ruleName) switches outlier detection off (0 consecutive errors); no circuit breaker", at: outlier.node)
            }
        }
        if let pool = subsetPolicy?.connectionPool ?? rule.policy?.connectionPool, pool.value != "{  }" {
            call.extensions.append(ExtensionFact(key: "x-istio-connection-pool", value: pool.value, origin: Origin("\(ruleName) connectionPool", at: pool.node)))
        }
    }
}
