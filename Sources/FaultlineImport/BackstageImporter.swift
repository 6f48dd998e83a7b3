import FaultlineYAML
import FaultlineModel

/// A Backstage catalog (`catalog-info.yaml` files, several entities per
/// file): Components are services, `dependsOn` and the APIs they provide and
/// consume are calls, Resources are datastores or channels.
struct BackstageImporter {
    let reader: SourceReader

    struct Entity {
        /// Lowercased, as Backstage compares kinds.
        let kind: String
        let name: String
        let namespace: String
        let nameNode: YAMLNode
        let root: YAMLNode
        var spec: YAMLNode? { root["spec"] }
        var key: String { BackstageImporter.key(kind, namespace, name) }
        var reference: String { "\(kind):\(namespace == "default" ? "" : namespace + "/")\(name)" }
    }

    /// `[kind:][namespace/]name`, or its mapping form.
    struct EntityRef: Equatable {
        var kind: String?
        var namespace: String?
        var name: String
    }

    static func key(_ kind: String, _ namespace: String, _ name: String) -> String {
        "\(kind):\(namespace)/\(name)".lowercased()
    }

    static let datastoreTypes: Set<String> = [
        "database", "db", "postgres", "postgresql", "mysql", "mariadb", "mongodb", "mongo", "redis", "cache", "memcached",
        "elasticsearch", "opensearch", "cassandra", "dynamodb", "dynamodb-table", "s3", "s3-bucket", "bucket", "storage",
        "object-storage", "datastore", "data-store", "table", "cosmosdb", "sql", "rds", "aurora", "spanner", "bigtable",
        "firestore", "sqlserver", "oracle", "cockroachdb", "neo4j", "clickhouse",
    ]
    static let channelTypes: Set<String> = [
        "queue", "topic", "kafka-topic", "kafka", "sqs", "sqs-queue", "sns-topic", "pubsub", "pubsub-topic", "event-bus",
        "eventbus", "stream", "kinesis-stream", "rabbitmq", "rabbitmq-queue", "amqp", "nats", "nats-subject", "message-queue",
        "messaging", "event-stream",
    ]

    static func broker(forType type: String) -> Broker? {
        if type.contains("kafka") { return .kafka }
        if type.contains("sqs") || type.contains("sns") { return .sqs }
        if type.contains("pubsub") { return .pubsub }
        if type.contains("rabbitmq") || type.contains("amqp") { return .rabbitmq }
        if type.contains("nats") { return .nats }
        return nil
    }

    // MARK: Run

    func run(_ files: [ParsedFile]) -> ImportedSystem {
        let entities = collectEntities(files)
        var byKey: [String: Entity] = [:]
        for entity in entities {
            if let first = byKey[entity.key] {
                reader.error("entity \(entity.reference) is declared twice: here and at \(first.nameNode.location)", at: entity.nameNode)
                continue
            }
            byKey[entity.key] = entity
        }
        var system = ImportedSystem()

        // Names: a name used in two namespaces gets its namespace appended.
        let components = entities.filter { $0.kind == "component" && byKey[$0.key]?.nameNode.location == $0.nameNode.location }
        let resources = entities.filter { $0.kind == "resource" && byKey[$0.key]?.nameNode.location == $0.nameNode.location }
        var topologyNames: [String: String] = [:]
        for group in [components, resources] {
            var counts: [String: Int] = [:]
            for entity in group { counts[entity.name.lowercased(), default: 0] += 1 }
            for entity in group {
                let base = TopologyNames.safe(entity.name)
                topologyNames[entity.key] = (counts[entity.name.lowercased()] ?? 0) > 1 ? "\(base).\(entity.namespace)" : base
            }
        }

        var services: [String: String] = [:]
        var systems: [(String, Origin)] = []
        for component in components {
            let type = component.spec?["type"]?.text?.lowercased()
            guard type != "library", let name = topologyNames[component.key] else {
                reader.notes.add("skipped Component '\(component.name)' of type library: a library is not deployed", at: component.nameNode)
                continue
            }
            guard name.isTopologyName else {
                reader.notes.add("Component '\(component.name)' has a name the topology cannot use; skipped", at: component.nameNode)
                continue
            }
            system.declareService(name, origin: Origin("Component \(component.name)", at: component.nameNode))
            services[component.key] = name
            if let spec = component.spec {
                checkFields(spec, of: "Component", read: ["type", "lifecycle", "owner", "system", "subcomponentOf", "providesApis",
                                                         "consumesApis", "dependsOn", "dependencyOf"])
                if type == "website", let typeNode = spec["type"] {
                    system.update(name) { $0.entrypoint = Origin("Component type website", at: typeNode) }
                }
                if let ownerNode = spec["owner"], let owner = reader.string(ownerNode, what: "'spec.owner'") {
                    system.update(name) { $0.owner = Sourced(value: Self.shortOwner(owner), origin: Origin("spec.owner", at: ownerNode)) }
                }
                if let systemNode = spec["system"], let ref = parseRef(systemNode) {
                    systems.append((ref.name, Origin("spec.system", at: systemNode)))
                }
            } else {
                reader.error("Component '\(component.name)' needs a 'spec' with its type, lifecycle and owner", at: component.nameNode)
            }
        }

        var datastores: [String: String] = [:]
        var channels: [String: String] = [:]
        for resource in resources {
            guard let name = topologyNames[resource.key], name.isTopologyName else { continue }
            guard let typeNode = resource.spec?["type"], let type = reader.string(typeNode, what: "'spec.type'")?.lowercased() else {
                if resource.spec?["type"] == nil { reader.notes.add("skipped Resource '\(resource.name)' without spec.type", at: resource.nameNode) }
                continue
            }
            if Self.datastoreTypes.contains(type) {
                system.declareDatastore(name, origin: Origin("Resource \(resource.name)", at: resource.nameNode),
                                        kind: Sourced(value: type, origin: Origin("Resource type \(type)", at: typeNode)))
                datastores[resource.key] = name
            } else if Self.channelTypes.contains(type) {
                system.declareChannel(name, origin: Origin("Resource \(resource.name)", at: resource.nameNode),
                                      broker: Self.broker(forType: type).map { Sourced(value: $0, origin: Origin("Resource type \(type)", at: typeNode)) })
                channels[resource.key] = name
            } else {
                reader.notes.add("skipped Resource '\(resource.name)' of type \(type): neither a datastore nor a channel", at: typeNode)
            }
        }

        // APIs: who provides each, then consumers call the providers.
        var providers: [String: [(service: String, node: YAMLNode)]] = [:]
        for component in components {
            guard let service = services[component.key], let list = component.spec?["providesApis"] else { continue }
            for element in reader.list(list, what: "'providesApis'") ?? [] {
                guard let ref = parseRef(element) else { continue }
                providers[Self.key(ref.kind ?? "api", ref.namespace ?? component.namespace, ref.name), default: []].append((service, element))
            }
        }
        for entity in entities where entity.kind == "api" {
            let type = entity.spec?["type"]?.text?.lowercased() ?? ""
            guard type == "asyncapi", let channel = Optional(TopologyNames.safe(entity.name)), channel.isTopologyName else { continue }
            // An asynchronous API is a channel: providers publish to it, consumers consume it.
            system.declareChannel(channel, origin: Origin("API \(entity.name) (asyncapi)", at: entity.nameNode))
            channels[entity.key] = channel
            for provider in providers[entity.key] ?? [] {
                system.addPublish(channel, by: provider.service, origin: Origin("providesApis \(entity.name) (asyncapi)", at: provider.node))
            }
        }
        for component in components {
            guard let service = services[component.key], let list = component.spec?["consumesApis"] else { continue }
            for element in reader.list(list, what: "'consumesApis'") ?? [] {
                guard let ref = parseRef(element) else { continue }
                let key = Self.key(ref.kind ?? "api", ref.namespace ?? component.namespace, ref.name)
                guard let api = byKey[key] else {
                    reader.notes.add("consumesApis names \(ref.name), which is no API of the input; skipped", at: element)
                    continue
                }
                if let channel = channels[key] {
                    system.addConsume(channel, by: service, origin: Origin("consumesApis \(api.name) (asyncapi)", at: element))
                    continue
                }
                let found = providers[key] ?? []
                if found.isEmpty {
                    reader.notes.add("no Component of the input provides API \(api.name); the call from '\(service)' is not modelled", at: element)
                }
                for provider in found where provider.service != service {
                    var call = ImportedCall(target: provider.service, origin: Origin("consumesApis \(api.name) (provided by \(provider.service))", at: element))
                    if let typeNode = api.spec?["type"], let type = typeNode.text, let value = Self.protocolOf(apiType: type) {
                        call.via = Sourced(value: value, origin: Origin("API \(api.name) type \(type)", at: typeNode))
                    }
                    system.addCall(call, from: service)
                }
            }
        }

        // dependsOn, and its inverse dependencyOf.
        var dependencies: [(from: Entity, to: EntityRef, node: YAMLNode, why: String)] = []
        for entity in components + resources {
            if let list = entity.spec?["dependsOn"] {
                for element in reader.list(list, what: "'dependsOn'") ?? [] {
                    if let ref = parseRef(element) { dependencies.append((entity, ref, element, "dependsOn")) }
                }
            }
            if let list = entity.spec?["dependencyOf"] {
                for element in reader.list(list, what: "'dependencyOf'") ?? [] {
                    guard let ref = parseRef(element), let dependent = resolve(ref, from: entity, in: byKey) else { continue }
                    dependencies.append((dependent, EntityRef(kind: entity.kind, namespace: entity.namespace, name: entity.name), element, "dependencyOf"))
                }
            }
        }
        for (from, ref, node, relation) in dependencies {
            guard let caller = services[from.key] else { continue }
            guard let target = resolve(ref, from: from, in: byKey) else {
                reader.notes.add("\(relation) names \(ref.kind.map { "\($0):" } ?? "")\(ref.name), which is no entity of the input; skipped", at: node)
                continue
            }
            let why = relation == "dependsOn" ? "dependsOn \(target.reference)" : "dependencyOf on \(target.reference)"
            if let service = services[target.key] {
                if service != caller { system.addCall(ImportedCall(target: service, origin: Origin(why, at: node)), from: caller) }
            } else if let datastore = datastores[target.key] {
                system.addDatastoreUse(datastore, by: caller, access: .readWrite, origin: Origin(why, at: node))
            } else if let channel = channels[target.key] {
                if !system.uses(caller, channel: channel) {
                    reader.notes.add("nothing says whether '\(caller)' publishes to or consumes from '\(channel)' (\(why)); add it under publishes or consumes by hand", at: node)
                }
            } else {
                reader.notes.add("\(relation) on \(target.reference) is not modelled (not a service, datastore or channel)", at: node)
            }
        }

        if let single = entities.filter({ $0.kind == "system" }).map({ ($0.name, Origin("System \($0.name)", at: $0.nameNode)) }).onlyElement {
            system.system = Sourced(value: single.0, origin: single.1)
        } else if let first = systems.first, systems.allSatisfy({ $0.0.lowercased() == first.0.lowercased() }) {
            system.system = Sourced(value: first.0, origin: first.1)
        }
        return system
    }

    static func protocolOf(apiType: String) -> CallProtocol? {
        switch apiType.lowercased() {
        case "grpc": return .grpc
        case "graphql": return .graphql
        case "openapi", "trpc", "rest", "http": return .http
        default: return nil
        }
    }

    /// `group:default/team-a` → `team-a`; `group:platform/team-a` → `platform/team-a`.
    static func shortOwner(_ text: String) -> String {
        var rest = Substring(text)
        if let colon = rest.firstIndex(of: ":") { rest = rest[rest.index(after: colon)...] }
        if rest.hasPrefix("default/") { rest = rest.dropFirst("default/".count) }
        return String(rest)
    }

    private func checkFields(_ spec: YAMLNode, of kind: String, read: Set<String>) {
        for (key, keyNode, _) in reader.mapping(spec, what: "'spec'") ?? [] where !read.contains(key) {
            reader.notes.add("skipped \(kind) field 'spec.\(key)'", at: keyNode)
        }
    }

    /// The entity a reference names; a reference without a kind is looked up
    /// among Components, then Resources (Backstage itself requires the kind here).
    private func resolve(_ ref: EntityRef, from entity: Entity, in byKey: [String: Entity]) -> Entity? {
        let namespace = ref.namespace ?? entity.namespace
        if let kind = ref.kind { return byKey[Self.key(kind, namespace, ref.name)] }
        return byKey[Self.key("component", namespace, ref.name)] ?? byKey[Self.key("resource", namespace, ref.name)]
    }

    // MARK: Reading

    private func collectEntities(_ files: [ParsedFile]) -> [Entity] {
        var entities: [Entity] = []
        for file in files {
            for document in file.documents {
                guard let root = document.root, !root.isNull else { continue }
                guard root.kind == .mapping else {
                    reader.error("a Backstage entity must be a mapping with apiVersion, kind, metadata and spec, not \(root.kindDescription)", at: root)
                    continue
                }
                guard let kindNode = root["kind"] else {
                    if root["apiVersion"] == nil {
                        reader.notes.add("skipped a YAML document that is no Backstage entity (no apiVersion or kind)", at: root)
                    } else {
                        reader.error("this Backstage entity needs 'kind' (Component, API, Resource, System…)", at: root)
                    }
                    continue
                }
                guard let kind = reader.string(kindNode, what: "'kind'") else { continue }
                let lower = kind.lowercased()
                guard ["component", "api", "resource", "system"].contains(lower) else {
                    reader.notes.add(lower == "location"
                        ? "Backstage Location entities are noted, not followed: give their target files on the command line"
                        : "skipped Backstage kind \(kind)", at: kindNode)
                    continue
                }
                guard let nameNode = root.path("metadata", "name") else {
                    reader.error("this \(kind) needs 'metadata.name'", at: root["metadata"] ?? root)
                    continue
                }
                guard let name = reader.string(nameNode, what: "'metadata.name'") else { continue }
                let namespace = root.path("metadata", "namespace")?.text ?? "default"
                entities.append(Entity(kind: lower, name: name, namespace: namespace, nameNode: nameNode, root: root))
            }
        }
        return entities
    }

    /// Parses `component:default/orders`, `orders`, `resource:orders-db`, or
    /// `{ kind: Component, namespace: default, name: orders }`.
    func parseRef(_ node: YAMLNode) -> EntityRef? {
        if node.kind == .mapping {
            guard let name = node["name"]?.text, !name.isEmpty else {
                reader.error("an entity reference mapping needs 'name'", at: node)
                return nil
            }
            return EntityRef(kind: node["kind"]?.text?.lowercased(), namespace: node["namespace"]?.text, name: name)
        }
        guard let text = reader.string(node, what: "an entity reference") else { return nil }
        switch Self.parseRef(text) {
        case .success(let ref): return ref
        case .failure(let problem):
            reader.error("'\(text)' is not a valid entity reference: \(problem.message); write [kind:][namespace/]name, such as component:default/orders", at: node)
            return nil
        }
    }

    struct RefProblem: Error { let message: String }

    static func parseRef(_ text: String) -> Result<EntityRef, RefProblem> {
        var rest = Substring(text.trimmingSpaces())
        var kind: String?
        var namespace: String?
        if let colon = rest.firstIndex(of: ":") {
            let slash = rest.firstIndex(of: "/")
            if slash == nil || colon < slash ?? rest.endIndex {
                kind = String(rest[..<colon]).lowercased()
                rest = rest[rest.index(after: colon)...]
                if kind?.isEmpty == true { return .failure(RefProblem(message: "the kind before ':' is empty")) }
            }
        }
        if let slash = rest.firstIndex(of: "/") {
            namespace = String(rest[..<slash])
            rest = rest[rest.index(after: slash)...]
            if namespace?.isEmpty == true { return .failure(RefProblem(message: "the namespace before '/' is empty")) }
        }
        if rest.isEmpty { return .failure(RefProblem(message: "the name is empty")) }
        if rest.contains(":") || rest.contains("/") { return .failure(RefProblem(message: "it has more than one ':' or '/'")) }
        return .success(EntityRef(kind: kind, namespace: namespace, name: String(rest)))
    }
}

extension Array {
    /// The element of a one-element array.
    var onlyElement: Element? { count == 1 ? first : nil }
}
