import FaultlineYAML
import FaultlineModel

/// Kubernetes manifests (multi-document files, `List` kinds), with Istio
/// `VirtualService`, `DestinationRule`, `ServiceEntry` and `Gateway`.
/// Workloads become services; their containers' environment names Services,
/// which lead to the workloads behind them; Istio routes supply policies.
struct KubernetesImporter {
    let reader: SourceReader
    let options: ImportOptions

    struct Object {
        let kind: String
        let apiVersion: String
        let name: String
        let nameNode: YAMLNode
        let namespace: String
        let root: YAMLNode
    }

    struct Container {
        let name: String
        let image: String?
        let imageNode: YAMLNode?
        let node: YAMLNode
    }

    final class Workload {
        let object: Object
        let podMetadata: YAMLNode?
        let podSpec: YAMLNode?
        let podLabels: [String: String]
        let podAnnotations: [String: String]
        let containers: [Container]
        /// The topology service (or datastore, or channel) this workload is part of.
        var unit = ""

        init(object: Object, podMetadata: YAMLNode?, podSpec: YAMLNode?, podLabels: [String: String],
             podAnnotations: [String: String], containers: [Container]) {
            self.object = object
            self.podMetadata = podMetadata
            self.podSpec = podSpec
            self.podLabels = podLabels
            self.podAnnotations = podAnnotations
            self.containers = containers
        }
    }

    struct Port {
        let name: String?
        let port: Int?
        let appProtocol: String?
        let node: YAMLNode
    }

    struct KubeService {
        let object: Object
        let selector: [String: String]
        let ports: [Port]
        let type: (text: String, node: YAMLNode)?
        let externalName: (text: String, node: YAMLNode)?
    }

    /// What a unit (one workload, or the versions of one app) is in the topology.
    enum Role {
        case app
        case datastore(kind: String, origin: Origin)
        case broker(BrokerTarget)
        case tooling(String)
    }

    static let workloadKinds: Set<String> = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod",
                                             "Rollout", "DeploymentConfig", "ReplicationController"]

    // MARK: Run

    func run(_ files: [ParsedFile]) -> ImportedSystem {
        let objects = collectObjects(files)
        var namespaces: [String: Object] = [:]
        var workloads: [Workload] = []
        var services: [KubeService] = []
        var configMaps: [String: Object] = [:]
        var istio = IstioConfiguration(reader: reader)
        var ingresses: [Object] = []
        var kafkaClusters: [Object] = []
        var kafkaTopics: [Object] = []

        for object in objects {
            switch object.kind {
            case "Namespace":
                namespaces[object.name] = object
            case _ where Self.workloadKinds.contains(object.kind):
                if let workload = readWorkload(object) { workloads.append(workload) }
            case "Service":
                if let service = readService(object) { services.append(service) }
            case "ConfigMap":
                configMaps[object.namespace + "/" + object.name] = object
            case "Ingress":
                ingresses.append(object)
            case _ where ["VirtualService", "DestinationRule", "ServiceEntry", "Gateway"].contains(object.kind)
                && object.apiVersion.hasPrefix("networking.istio.io/"):
                istio.add(object)
            case "Kafka" where object.apiVersion.hasPrefix("kafka.strimzi.io/"):
                kafkaClusters.append(object)
            case "KafkaTopic" where object.apiVersion.hasPrefix("kafka.strimzi.io/"):
                kafkaTopics.append(object)
            default:
                if Self.isIstio(object.apiVersion) {
                    istio.present = true
                    reader.notes.add("skipped Istio kind \(object.kind): it does not change timeouts, retries or circuit breaking", at: object.root)
                } else {
                    reader.notes.add("skipped kind \(object.kind)", at: object.root)
                }
            }
        }

        var system = ImportedSystem()
        let units = assignUnits(workloads)
        let roles = roleOfUnits(units, workloads: workloads, services: services)

        // Declarations.
        for (unit, members) in units {
            guard let role = roles[unit], let first = members.first else { continue }
            let origin = unitOrigin(unit, members)
            switch role {
            case .app:
                system.declareService(unit, origin: origin)
            case .datastore(let kind, let kindOrigin):
                system.declareDatastore(unit, origin: origin, kind: Sourced(value: kind, origin: kindOrigin))
            case .broker:
                continue
            case .tooling(let what):
                reader.notes.add("skipped \(first.object.kind) '\(first.object.name)': \(what) is tooling, not part of the request graph", at: first.object.nameNode)
            }
        }
        for topic in kafkaTopics {
            let name = topic.root.path("spec", "topicName")?.text ?? topic.name
            guard name.isTopologyName else {
                reader.notes.add("KafkaTopic '\(topic.name)' has a topic name that is not a valid topology name; skipped", at: topic.nameNode)
                continue
            }
            system.declareChannel(name, origin: Origin("KafkaTopic \(topic.name)", at: topic.nameNode),
                                  broker: Sourced(value: .kafka, origin: Origin("KafkaTopic \(topic.name)", at: topic.nameNode)))
        }

        // Owner, system, tracing, entrypoints.
        var systems: [(String, Origin)] = []
        for (unit, members) in units {
            guard case .app = roles[unit] else { continue }
            for member in members {
                if let owner = Self.label(member.object.root, ["owner", "team", "app.kubernetes.io/owner", "app.kubernetes.io/team"]) {
                    system.update(unit) { if $0.owner == nil { $0.owner = Sourced(value: owner.value, origin: Origin("label \(owner.key)", at: owner.node)) } }
                }
                if let partOf = Self.label(member.object.root, ["app.kubernetes.io/part-of"]) {
                    systems.append((partOf.value, Origin("label app.kubernetes.io/part-of", at: partOf.node)))
                }
            }
        }
        if let first = systems.first, systems.allSatisfy({ $0.0 == first.0 }) {
            system.system = Sourced(value: first.0, origin: first.1)
        }

        let index = ServiceIndex(services: services, workloads: workloads, namespaces: Set(objects.map(\.namespace)).union(namespaces.keys))
        markEntrypoints(services: services, ingresses: ingresses, istio: istio, index: index, roles: roles, system: &system)

        // Calls, datastores and channels from each container's environment.
        let mesh = MeshMembership(namespaces: namespaces, istioPresent: istio.present)
        for (unit, members) in units {
            guard case .app = roles[unit] else { continue }
            var calledThrough: [String: CallRoute] = [:]
            for member in members {
                let variables = environment(of: member, configMaps: configMaps)
                if let tracing = EnvironmentInference.tracing(variables) {
                    system.update(unit) { if $0.tracing == nil { $0.tracing = tracing } }
                }
                EnvironmentInference.apply(caller: unit, variables: variables, system: &system, reader: reader) { reference, variable in
                    let resolved = resolve(reference, variable: variable, from: member, index: index, roles: roles,
                                           istio: istio, kafkaClusters: kafkaClusters)
                    switch resolved.target {
                    case .service(let target, _, _)?, .external(let target, _)?:
                        if let route = resolved.route, calledThrough[target] == nil { calledThrough[target] = route }
                    default:
                        break
                    }
                    return resolved.target
                }
            }
            // Istio: the policy of each call, from the caller's side of the mesh.
            guard let caller = members.first else { continue }
            let meshed = mesh.contains(caller, reader: reader)
            var calls = system.service(unit)?.calls ?? []
            for position in calls.indices {
                guard let route = calledThrough[calls[position].target] else { continue }
                istio.apply(to: &calls[position], route: route, caller: caller, meshed: meshed, meshDefaults: options.meshDefaults)
            }
            system.update(unit) { $0.calls = calls }
        }
        return system
    }

    static func isIstio(_ apiVersion: String) -> Bool {
        ["networking.istio.io/", "security.istio.io/", "telemetry.istio.io/", "extensions.istio.io/"].contains { apiVersion.hasPrefix($0) }
    }

    // MARK: Objects

    /// Every object of every document, with `List` items unpacked (iteratively).
    private func collectObjects(_ files: [ParsedFile]) -> [Object] {
        var objects: [Object] = []
        for file in files {
            var pending: [(node: YAMLNode, listKind: String?)] = file.documents.compactMap { $0.root }.map { ($0, nil) }
            pending.reverse()
            while let (node, listKind) = pending.popLast() {
                if node.isNull { continue }
                guard node.kind == .mapping else {
                    reader.error("a Kubernetes object must be a mapping with apiVersion, kind and metadata, not \(node.kindDescription)", at: node)
                    continue
                }
                let kindNode = node["kind"], apiNode = node["apiVersion"]
                if kindNode == nil, apiNode == nil, listKind == nil {
                    reader.notes.add("skipped a YAML document that is no Kubernetes object (no apiVersion or kind)", at: node)
                    continue
                }
                var kind = listKind ?? ""
                if let kindNode {
                    guard let text = reader.string(kindNode, what: "'kind'") else { continue }
                    kind = text
                } else if listKind == nil {
                    reader.error("this Kubernetes object has 'apiVersion' but no 'kind'", at: node)
                    continue
                }
                let apiVersion = apiNode.flatMap { reader.optionalString($0, what: "'apiVersion'") } ?? ""
                if kind == "List" || (kind.hasSuffix("List") && node["items"] != nil) {
                    let itemKind = kind == "List" ? nil : String(kind.dropLast(4))
                    guard let items = node["items"] else { continue }
                    for item in (reader.list(items, what: "'items'") ?? []).reversed() { pending.append((item, itemKind)) }
                    continue
                }
                let metadata = node["metadata"]
                guard let nameNode = metadata?["name"] ?? metadata?["generateName"] else {
                    reader.error("this \(kind) needs 'metadata.name'", at: metadata ?? node)
                    continue
                }
                guard let name = reader.string(nameNode, what: "'metadata.name'") else { continue }
                let namespace = metadata?["namespace"].flatMap { reader.optionalString($0, what: "'metadata.namespace'") } ?? "default"
                objects.append(Object(kind: kind, apiVersion: apiVersion, name: name, nameNode: nameNode, namespace: namespace, root: node))
            }
        }
        return objects
    }

    private func stringMap(_ node: YAMLNode?, what: String) -> [String: String] {
        guard let node else { return [:] }
        var result: [String: String] = [:]
        for (key, _, value) in reader.mapping(node, what: what) ?? [] {
            if let text = value.text { result[key] = text }
        }
        return result
    }

    private func readWorkload(_ object: Object) -> Workload? {
        let template: YAMLNode?
        switch object.kind {
        case "Pod": template = object.root
        case "CronJob": template = object.root.path("spec", "jobTemplate", "spec", "template")
        default: template = object.root.path("spec", "template")
        }
        guard let template, template.kind == .mapping else {
            reader.error("this \(object.kind) needs a pod template (\(object.kind == "CronJob" ? "spec.jobTemplate.spec.template" : "spec.template"))", at: object.nameNode)
            return nil
        }
        let metadata = template["metadata"]
        let spec = template["spec"]
        var containers: [Container] = []
        if let list = spec?["containers"] {
            for element in reader.list(list, what: "'containers'") ?? [] {
                guard element.kind == .mapping else {
                    reader.error("a container must be a mapping, not \(element.kindDescription)", at: element)
                    continue
                }
                let name = element["name"]?.text ?? "container"
                let imageNode = element["image"]
                let image = imageNode.flatMap { reader.optionalString($0, what: "'image'") }
                containers.append(Container(name: name, image: image, imageNode: imageNode, node: element))
            }
        } else {
            reader.error("this \(object.kind)'s pod template has no 'spec.containers'", at: template)
        }
        return Workload(object: object, podMetadata: metadata, podSpec: spec,
                        podLabels: stringMap(metadata?["labels"], what: "'labels'"),
                        podAnnotations: stringMap(metadata?["annotations"], what: "'annotations'"),
                        containers: containers)
    }

    private func readService(_ object: Object) -> KubeService? {
        let spec = object.root["spec"]
        var ports: [Port] = []
        if let list = spec?["ports"] {
            for element in reader.list(list, what: "'ports'") ?? [] {
                guard element.kind == .mapping else {
                    reader.error("a Service port must be a mapping, not \(element.kindDescription)", at: element)
                    continue
                }
                let port = element["port"].flatMap { reader.integer($0, what: "'port'", in: 1...65535) }
                ports.append(Port(name: element["name"]?.text, port: port, appProtocol: element["appProtocol"]?.text, node: element))
            }
        }
        let type = spec?["type"].flatMap { node in node.text.map { ($0, node) } }
        let externalName = spec?["externalName"].flatMap { node in node.text.map { ($0, node) } }
        return KubeService(object: object, selector: stringMap(spec?["selector"], what: "'selector'"), ports: ports,
                           type: type, externalName: externalName)
    }

    static func label(_ root: YAMLNode, _ keys: [String]) -> (key: String, value: String, node: YAMLNode)? {
        for key in keys {
            for place in ["labels", "annotations"] {
                if let node = root.path("metadata", place, key), let value = node.text, !value.isEmpty { return (key, value, node) }
            }
        }
        return nil
    }

    // MARK: Units and roles

    /// Topology names for the workloads. The versions of one app (Deployments
    /// with the same `app` label and different `version` labels, as Istio's
    /// subsets expect) are one service named after the app; a name used in
    /// two namespaces gets its namespace appended.
    private func assignUnits(_ workloads: [Workload]) -> [(String, [Workload])] {
        var groups: [(key: String, members: [Workload])] = []
        var groupIndex: [String: Int] = [:]
        for workload in workloads {
            let app = workload.podLabels["app"] ?? workload.podLabels["app.kubernetes.io/name"]
            let version = workload.podLabels["version"] ?? workload.podLabels["app.kubernetes.io/version"]
            let key: String
            if let app, version != nil, app.isTopologyName {
                key = "app:\(workload.object.namespace)/\(app)"
            } else {
                key = "workload:\(workload.object.namespace)/\(workload.object.kind)/\(workload.object.name)"
            }
            if let index = groupIndex[key] {
                groups[index].members.append(workload)
            } else {
                groupIndex[key] = groups.count
                groups.append((key, [workload]))
            }
        }
        // A version group of one is just that workload.
        var named: [(base: String, namespace: String, kind: String, members: [Workload])] = []
        for group in groups {
            guard let first = group.members.first else { continue }
            let app = first.podLabels["app"] ?? first.podLabels["app.kubernetes.io/name"] ?? first.object.name
            let base = group.key.hasPrefix("app:") && group.members.count > 1 ? app : first.object.name
            named.append((TopologyNames.safe(base), first.object.namespace, first.object.kind, group.members))
        }
        var counts: [String: Int] = [:]
        for entry in named { counts[entry.base, default: 0] += 1 }
        var byNamespace: [String: Int] = [:]
        for entry in named { byNamespace["\(entry.base).\(entry.namespace)", default: 0] += 1 }
        var result: [(String, [Workload])] = []
        var used = Set<String>()
        for entry in named {
            var name = entry.base
            if (counts[entry.base] ?? 0) > 1 { name += ".\(entry.namespace)" }
            if (byNamespace["\(entry.base).\(entry.namespace)"] ?? 0) > 1 { name += "-\(entry.kind.lowercased())" }
            var unique = name
            var suffix = 2
            while used.contains(unique) { unique = "\(name)-\(suffix)"; suffix += 1 }
            used.insert(unique)
            if !unique.isTopologyName {
                reader.notes.add("\(entry.kind) '\(entry.members.first?.object.name ?? "")' has a name the topology cannot use; skipped", at: entry.members.first?.object.nameNode.location)
                continue
            }
            for member in entry.members { member.unit = unique }
            result.append((unique, entry.members))
        }
        return result
    }

    private func unitOrigin(_ unit: String, _ members: [Workload]) -> Origin {
        guard let first = members.first else { return Origin(unit, at: SourceLocation(file: "-", line: 1, column: 1)) }
        if members.count == 1 { return Origin("\(first.object.kind) \(first.object.name)", at: first.object.nameNode) }
        let names = members.map(\.object.name).joined(separator: ", ")
        return Origin("\(first.object.kind)s \(names) (versions of app \(unit))", at: first.object.nameNode)
    }

    private func roleOfUnits(_ units: [(String, [Workload])], workloads: [Workload], services: [KubeService]) -> [String: Role] {
        var roles: [String: Role] = [:]
        for (unit, members) in units {
            guard let first = members.first else { continue }
            // The first container is the workload's own; later ones are usually sidecars.
            guard let container = first.containers.first, let image = container.image, let imageNode = container.imageNode,
                  let kind = Infrastructure.classify(image: image) else {
                roles[unit] = .app
                continue
            }
            let origin = Origin("image \(image)", at: imageNode)
            let declaration = unitOrigin(unit, members)
            switch kind {
            case .database(let kind):
                roles[unit] = .datastore(kind: kind, origin: origin)
            case .keyValue(let kind):
                if queueNamed(unit, members: members, workloads: workloads, services: services) {
                    roles[unit] = .broker(BrokerTarget(channel: unit, broker: Sourced(value: .other, origin: origin), delivery: nil,
                                                       origin: Origin("\(declaration.why) (\(kind) used as a queue)", at: declaration.location)))
                } else {
                    roles[unit] = .datastore(kind: kind, origin: origin)
                }
            case .broker(let broker, let product):
                var delivery: Sourced<Delivery>?
                if broker == .nats, product == "NATS" {
                    let arguments = (container.node["args"]?.elements ?? []) + (container.node["command"]?.elements ?? [])
                    let jetStream = arguments.contains { $0.text == "-js" || $0.text == "--jetstream" }
                    delivery = Sourced(value: jetStream ? .atLeastOnce : .atMostOnce,
                                       origin: Origin(jetStream ? "NATS JetStream (-js)" : "core NATS (no JetStream)", at: imageNode))
                }
                roles[unit] = .broker(BrokerTarget(channel: unit, broker: Sourced(value: broker, origin: origin), delivery: delivery,
                                                   origin: Origin("\(declaration.why) (\(product))", at: declaration.location)))
            case .tooling(let what):
                roles[unit] = .tooling(what)
            }
        }
        return roles
    }

    /// A Redis-like workload is a queue when its name says so, or a variable naming it does.
    private func queueNamed(_ unit: String, members: [Workload], workloads: [Workload], services: [KubeService]) -> Bool {
        if Infrastructure.namedAsQueue(unit) { return true }
        let serviceNames = Set(services.filter { service in
            !service.selector.isEmpty && members.contains { member in
                member.object.namespace == service.object.namespace && service.selector.allSatisfy { member.podLabels[$0.key] == $0.value }
            }
        }.map { $0.object.name })
        if serviceNames.contains(where: Infrastructure.namedAsQueue) { return true }
        for workload in workloads {
            for container in workload.containers {
                for variable in container.node["env"]?.elements ?? [] {
                    guard let name = variable["name"]?.text, Infrastructure.namedAsQueue(name), let value = variable["value"]?.text else { continue }
                    let hosts = HostReferences.extract(variable: name, value: value).map { String($0.host.split(separator: ".").first ?? "") }
                    if hosts.contains(where: serviceNames.contains) { return true }
                }
            }
        }
        return false
    }

    // MARK: Environment

    /// A container's variables in order: `env` (literal values, and
    /// ConfigMap keys through `configMapKeyRef`), then `envFrom` ConfigMaps;
    /// `$(VAR)` references to earlier variables are expanded as the kubelet does.
    private func environment(of workload: Workload, configMaps: [String: Object]) -> [EnvVar] {
        var variables: [EnvVar] = []
        let many = workload.containers.count > 1
        for container in workload.containers {
            var own: [EnvVar] = []
            let label = many ? " (container \(container.name))" : ""
            if let envFrom = container.node["envFrom"] {
                for source in reader.list(envFrom, what: "'envFrom'") ?? [] {
                    let prefix = source["prefix"]?.text ?? ""
                    if let reference = source.path("configMapRef", "name"), let name = reference.text {
                        guard let configMap = configMaps[workload.object.namespace + "/" + name] else {
                            reader.notes.add("envFrom ConfigMap '\(name)' is not in the input; its variables are not seen", at: reference)
                            continue
                        }
                        for (key, _, value) in (configMap.root["data"]?.entries ?? []).compactMap({ pair in pair.key.scalar.map { ($0, pair.key, pair.value) } }) {
                            guard let text = value.text else { continue }
                            own.append(EnvVar(name: prefix + key, value: text, location: value.location, why: "ConfigMap \(name) key \(key)\(label)"))
                        }
                    } else if source["secretRef"] != nil {
                        reader.notes.add("envFrom Secret is not read; calls named only there are not seen", at: source)
                    }
                }
            }
            if let env = container.node["env"] {
                for entry in reader.list(env, what: "'env'") ?? [] {
                    guard entry.kind == .mapping else {
                        reader.error("an env entry must be a mapping with 'name' and 'value', not \(entry.kindDescription)", at: entry)
                        continue
                    }
                    guard let nameNode = entry["name"], let name = reader.string(nameNode, what: "an env entry's 'name'") else {
                        if entry["name"] == nil { reader.error("an env entry needs 'name'", at: entry) }
                        continue
                    }
                    if let valueNode = entry["value"] {
                        guard !valueNode.isNull, let value = reader.string(valueNode, what: "the value of \(name)") else { continue }
                        own.append(EnvVar(name: name, value: expand(value, with: own), location: valueNode.location, why: "env \(name)\(label)"))
                    } else if let reference = entry.path("valueFrom", "configMapKeyRef") {
                        guard let mapName = reference["name"]?.text, let key = reference["key"]?.text else { continue }
                        guard let value = configMaps[workload.object.namespace + "/" + mapName]?.root.path("data", key)?.text else {
                            reader.notes.add("env \(name) reads ConfigMap '\(mapName)' key '\(key)', which is not in the input", at: reference)
                            continue
                        }
                        own.append(EnvVar(name: name, value: value, location: nameNode.location, why: "env \(name) (ConfigMap \(mapName) key \(key))\(label)"))
                    } else if entry.path("valueFrom", "secretKeyRef") != nil {
                        reader.notes.add("env values from Secrets are not read", at: entry)
                    }
                }
            }
            variables += own
        }
        return variables
    }

    /// `$(NAME)` replaced by an earlier variable's value; `$$(NAME)` stays literal.
    private func expand(_ value: String, with earlier: [EnvVar]) -> String {
        guard value.contains("$(") else { return value }
        return value.expandingReferences(open: "(", close: ")") { name in earlier.last { $0.name == name }?.value }
    }

    // MARK: Resolving hosts

    /// The Services, and the units behind them.
    struct ServiceIndex {
        let services: [KubeService]
        let byName: [String: KubeService]
        let namespaces: Set<String>
        /// Per Service (by key), the units it selects, in input order; computed once.
        private let selected: [String: [String]]

        init(services: [KubeService], workloads: [Workload], namespaces: Set<String>) {
            self.services = services
            var byName: [String: KubeService] = [:]
            for service in services where byName[Self.key(service.object.name, service.object.namespace)] == nil {
                byName[Self.key(service.object.name, service.object.namespace)] = service
            }
            self.byName = byName
            self.namespaces = namespaces
            // Workloads by namespace and pod label, so a selector looks at the few that carry its first label.
            var byLabel: [String: [Workload]] = [:]
            for workload in workloads where !workload.unit.isEmpty {
                for (key, value) in workload.podLabels { byLabel["\(workload.object.namespace)\u{0}\(key)=\(value)", default: []].append(workload) }
            }
            var selected: [String: [String]] = [:]
            for service in byName.values {
                guard let first = service.selector.min(by: { $0.key < $1.key }) else { continue }
                var units: [String] = []
                for workload in byLabel["\(service.object.namespace)\u{0}\(first.key)=\(first.value)"] ?? [] where !units.contains(workload.unit) {
                    if service.selector.allSatisfy({ workload.podLabels[$0.key] == $0.value }) { units.append(workload.unit) }
                }
                selected[Self.key(service.object.name, service.object.namespace)] = units
            }
            self.selected = selected
        }

        static func key(_ name: String, _ namespace: String) -> String { "\(namespace)/\(name)".lowercased() }

        func service(_ name: String, namespace: String) -> KubeService? { byName[Self.key(name, namespace)] }

        /// The units a Service selects, in input order.
        func units(behind service: KubeService) -> [String] {
            selected[Self.key(service.object.name, service.object.namespace)] ?? []
        }

        /// The Service a host names, seen from `namespace`: `svc`, `svc.ns`,
        /// `svc.ns.svc`, `svc.ns.svc.cluster.local`, and pod names in front of
        /// those (`kafka-0.kafka-headless.ns.svc.cluster.local`).
        func service(forHost host: String, from namespace: String) -> KubeService? {
            let labels = host.split(separator: ".").map(String.init)
            if let svcIndex = labels.firstIndex(of: "svc"), svcIndex >= 2 {
                return service(labels[svcIndex - 2], namespace: labels[svcIndex - 1])
            }
            if labels.count == 1 { return service(labels[0], namespace: namespace) }
            if labels.count == 2, namespaces.contains(labels[1]) { return service(labels[0], namespace: labels[1]) }
            return nil
        }
    }

    /// How a call reaches its target, for Istio: the host's full name and the Service port.
    struct CallRoute {
        let fqdn: String
        let targetNamespace: String
        /// The sidecar sees only TCP or TLS (a `tcp-` port, TLS the app starts itself):
        /// no HTTP route, so no route timeout, retries or default retries.
        var l4Only = false
    }

    private func resolve(_ reference: HostReference, variable: EnvVar, from workload: Workload, index: ServiceIndex,
                         roles: [String: Role], istio: IstioConfiguration, kafkaClusters: [Object]) -> (target: HostTarget?, route: CallRoute?) {
        let namespace = workload.object.namespace
        if let service = index.service(forHost: reference.host, from: namespace) {
            let fqdn = "\(service.object.name).\(service.object.namespace).svc.cluster.local".lowercased()
            let route = CallRoute(fqdn: fqdn, targetNamespace: service.object.namespace,
                                  l4Only: protocolOf(service, port: reference.port)?.value == .tcp)
            if service.selector.isEmpty {
                // ExternalName, or endpoints managed by hand: outside the workloads of the input.
                let why = service.externalName.map { "Service \(service.object.name) type ExternalName \($0.text)" }
                    ?? "Service \(service.object.name) without a selector"
                return (.external(TopologyNames.safe(service.object.name), origin: Origin(why, at: service.externalName?.node ?? service.object.nameNode)), route)
            }
            let units = index.units(behind: service)
            guard let unit = units.first else {
                // The Service is here, its workload is not: keep the call, to a service named after the Service.
                reader.notes.add("Service '\(service.object.name)' selects no workload of the input; modelled as a service of its own", at: service.object.nameNode)
                return (.service(TopologyNames.safe(service.object.name), via: protocolOf(service, port: reference.port),
                                 declaration: Origin("Service \(service.object.name) (its workload is not in the input)", at: service.object.nameNode)), route)
            }
            if units.count > 1 {
                reader.notes.add("Service '\(service.object.name)' selects several workloads (\(units.joined(separator: ", "))); calls go to '\(unit)'", at: service.object.nameNode)
            }
            switch roles[unit] {
            case .app?: return (.service(unit, via: protocolOf(service, port: reference.port)), route)
            case .datastore?: return (.datastore(unit), nil)
            case .broker(let broker)?: return (.broker(broker), nil)
            case .tooling?, nil: return (.tooling, nil)
            }
        }
        // A Strimzi Kafka cluster's bootstrap Service, whether or not the Service itself is in the input.
        let first = String(reference.host.split(separator: ".").first ?? "")
        if let cluster = kafkaClusters.first(where: { first == "\($0.name)-kafka-bootstrap" || first == "\($0.name)-kafka-brokers" }) {
            return (.broker(BrokerTarget(channel: TopologyNames.safe(cluster.name), broker: Sourced(value: .kafka, origin: Origin("Kafka \(cluster.name)", at: cluster.nameNode)),
                                         delivery: nil, origin: Origin("Kafka \(cluster.name) (Strimzi)", at: cluster.nameNode))), nil)
        }
        if let entry = istio.serviceEntry(for: reference.host, from: namespace) {
            let port = reference.port ?? (reference.scheme == "https" ? 443 : reference.scheme == "http" ? 80 : nil)
            let route = CallRoute(fqdn: reference.host, targetNamespace: entry.namespace,
                                  l4Only: reference.scheme == "https" || entry.l4Only(port))
            let name = TopologyNames.safe(reference.host)
            guard name.isTopologyName else { return (nil, nil) }
            if entry.meshInternal { return (.service(name, via: nil, declaration: entry.origin), route) }
            return (.external(name, origin: entry.origin), route)
        }
        if let host = EnvironmentInference.publicHost(reference) {
            // Without a ServiceEntry the sidecar passes the connection through as TCP.
            return (.external(host, origin: Origin("external host named by \(variable.why)", at: variable.location)),
                    CallRoute(fqdn: host, targetNamespace: namespace, l4Only: true))
        }
        return (nil, nil)
    }

    /// The protocol a Service port declares: `appProtocol`, or a name
    /// prefix (`grpc`, `grpc-web`, `http`, `http2-…`, `tcp-…`), as Istio reads them.
    private func protocolOf(_ service: KubeService, port: Int?) -> Sourced<CallProtocol>? {
        let chosen: Port?
        if let port { chosen = service.ports.first { $0.port == port } }
        else { chosen = service.ports.count == 1 ? service.ports.first : nil }
        guard let chosen else { return nil }
        if let appProtocol = chosen.appProtocol, let value = Self.callProtocol(appProtocol) {
            return Sourced(value: value, origin: Origin("Service \(service.object.name) port appProtocol \(appProtocol)", at: chosen.node))
        }
        if let name = chosen.name {
            let prefix = String(name.lowercased().split(separator: "-").first ?? "")
            if let value = Self.callProtocol(prefix) {
                return Sourced(value: value, origin: Origin("Service \(service.object.name) port name '\(name)'", at: chosen.node))
            }
        }
        return nil
    }

    static func callProtocol(_ text: String) -> CallProtocol? {
        switch text.lowercased() {
        case "grpc", "grpc-web": return .grpc
        case "http", "http2", "https", "h2c", "kubernetes.io/h2c", "kubernetes.io/ws", "kubernetes.io/wss", "ws", "wss": return .http
        case "tcp", "tls", "mongo", "mysql", "redis": return .tcp
        case "thrift": return .thrift
        default: return nil
        }
    }

    // MARK: Entrypoints

    private func markEntrypoints(services: [KubeService], ingresses: [Object], istio: IstioConfiguration, index: ServiceIndex,
                                 roles: [String: Role], system: inout ImportedSystem) {
        func mark(_ service: KubeService, _ origin: Origin) {
            for unit in index.units(behind: service) {
                guard case .app = roles[unit] else { continue }
                system.update(unit) { if $0.entrypoint == nil || origin.location < ($0.entrypoint?.location ?? origin.location) { $0.entrypoint = origin } }
            }
        }
        for service in services {
            if let type = service.type, type.text == "LoadBalancer" || type.text == "NodePort" {
                mark(service, Origin("Service \(service.object.name) type \(type.text)", at: type.node))
            }
        }
        for ingress in ingresses {
            var backends: [YAMLNode] = []
            if let node = ingress.root.path("spec", "defaultBackend", "service", "name") ?? ingress.root.path("spec", "backend", "serviceName") { backends.append(node) }
            for rule in ingress.root.path("spec", "rules")?.elements ?? [] {
                for path in rule.path("http", "paths")?.elements ?? [] {
                    if let node = path.path("backend", "service", "name") ?? path.path("backend", "serviceName") { backends.append(node) }
                }
            }
            for node in backends {
                guard let name = node.text, let service = index.service(name, namespace: ingress.namespace) else { continue }
                mark(service, Origin("Ingress \(ingress.name) backend \(name)", at: node))
            }
        }
        for (host, namespace, origin) in istio.gatewayDestinations() {
            guard let service = index.service(forHost: host, from: namespace) else { continue }
            mark(service, origin)
        }
    }
}

/// Which workloads have an Istio sidecar (see docs/importers.md, "Who is in the mesh").
struct MeshMembership {
    let namespaces: [String: KubernetesImporter.Object]
    let istioPresent: Bool

    func contains(_ workload: KubernetesImporter.Workload, reader: SourceReader) -> Bool {
        // 1. The pod's own switch wins.
        let key = "sidecar.istio.io/inject"
        if let value = workload.podLabels[key] ?? workload.podAnnotations[key], let inject = SourceReader.truthy(value) { return inject }
        // 2. The namespace's labels, when the Namespace is in the input.
        if let namespace = namespaces[workload.object.namespace] {
            let labels = namespace.root.path("metadata", "labels")
            if labels?["istio.io/dataplane-mode"]?.text == "ambient" { return false }
            if let injection = labels?["istio-injection"]?.text { return injection == "enabled" }
            return labels?["istio.io/rev"] != nil
        }
        // 3. Otherwise, any Istio resource in the input means the mesh is there.
        return istioPresent
    }
}
