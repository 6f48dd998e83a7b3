import FaultlineYAML
import FaultlineModel

/// Docker Compose files (`compose.yaml`, `docker-compose.yml` and their
/// overrides, merged in the order given): services, and what their
/// environment, `links` and `depends_on` say about calls, datastores and channels.
struct ComposeImporter {
    let reader: SourceReader

    /// One Compose service, merged over every file that mentions it.
    private struct ComposeService {
        var name: String
        var key: YAMLNode
        var image: (text: String, node: YAMLNode)?
        var command = ""
        var ports: YAMLNode?
        /// In order of first definition; an override replaces the value in place.
        var environment: [EnvVar] = []
        var links: [(target: String, node: YAMLNode)] = []
        var dependsOn: [(target: String, node: YAMLNode)] = []
        /// Other names the service answers to: container_name, hostname, network aliases.
        var aliases: [String] = []
    }

    private enum Role {
        case app
        case datastore(kind: String, origin: Origin)
        case broker(BrokerTarget)
        case tooling(String)
    }

    static let topLevelKeys: Set<String> = ["version", "name", "services", "networks", "volumes", "configs", "secrets", "include", "models"]
    static let readFields: Set<String> = ["image", "build", "environment", "links", "depends_on", "ports", "container_name",
                                         "hostname", "networks", "command"]
    /// Fields that say nothing about the topology: skipped without a note.
    static let silentFields: Set<String> = [
        "restart", "volumes", "healthcheck", "logging", "working_dir", "user", "entrypoint", "cap_add", "cap_drop", "ulimits",
        "tmpfs", "stdin_open", "tty", "platform", "pull_policy", "init", "privileged", "read_only", "shm_size",
        "stop_grace_period", "stop_signal", "sysctls", "security_opt", "devices", "dns", "dns_search", "dns_opt", "extra_hosts",
        "mem_limit", "mem_reservation", "memswap_limit", "cpus", "cpu_shares", "cpu_count", "cpu_percent", "cpuset", "labels",
        "profiles", "deploy", "configs", "secrets", "ipc", "pid", "domainname", "mac_address", "volumes_from", "annotations",
        "develop", "attach", "scale", "runtime", "expose", "network_mode", "userns_mode", "group_add", "oom_kill_disable",
        "oom_score_adj", "storage_opt", "cgroup", "cgroup_parent", "blkio_config", "label_file", "post_start", "pre_stop",
        "device_cgroup_rules", "gpus", "isolation", "credential_spec", "uts", "mem_swappiness", "pids_limit", "container_name",
    ]

    func run(_ files: [ParsedFile]) -> ImportedSystem {
        var system = ImportedSystem()
        var services: [String: ComposeService] = [:]
        var order: [String] = []
        for file in files {
            guard let root = singleDocument(file) else { continue }
            guard let fields = reader.mapping(root, what: "a Compose file") else { continue }
            var sawServices = false
            for (key, keyNode, value) in fields {
                switch key {
                case "services":
                    sawServices = true
                    readServices(value, into: &services, order: &order)
                case "name":
                    if let name = reader.string(value, what: "'name' (the project name)"), system.system == nil {
                        system.system = Sourced(value: name, origin: Origin("project name", at: value))
                    }
                case "include":
                    reader.notes.add("Compose 'include' is not followed; give the included files on the command line", at: keyNode)
                default:
                    if !key.hasPrefix("x-"), !Self.topLevelKeys.contains(key) {
                        reader.notes.add("skipped unknown top-level Compose key '\(key)'", at: keyNode)
                    }
                }
            }
            if !sawServices, root.kind == .mapping {
                reader.error("a Compose file needs 'services:', the mapping of its services", at: root)
            }
        }

        // Roles first: what each service is decides what naming it means.
        var hosts: [String: String] = [:]
        for name in order {
            guard let service = services[name] else { continue }
            for alias in [name] + service.aliases where hosts[alias.lowercased()] == nil { hosts[alias.lowercased()] = name }
        }
        var roles: [String: Role] = [:]
        for name in order {
            guard let service = services[name] else { continue }
            roles[name] = role(of: service, namedAsQueue: { queueNamed(name, services: services, hosts: hosts) })
        }

        for name in order {
            guard let service = services[name], let role = roles[name] else { continue }
            let topologyName = TopologyNames.safe(name)
            switch role {
            case .app:
                system.declareService(topologyName, origin: Origin("compose service \(name)", at: service.key))
                if let ports = service.ports, ports.count > 0 {
                    system.update(topologyName) { $0.entrypoint = Origin("published ports", at: ports) }
                }
            case .datastore(let kind, let origin):
                system.declareDatastore(topologyName, origin: Origin("compose service \(name)", at: service.key),
                                        kind: Sourced(value: kind, origin: origin))
            case .broker:
                continue
            case .tooling(let what):
                reader.notes.add("skipped Compose service '\(name)': \(what) is tooling, not part of the request graph", at: service.key)
            }
        }

        for name in order {
            guard let service = services[name], case .app = roles[name] else { continue }
            let caller = TopologyNames.safe(name)
            if let tracing = EnvironmentInference.tracing(service.environment) {
                system.update(caller) { $0.tracing = tracing }
            }
            EnvironmentInference.apply(caller: caller, variables: service.environment, system: &system, reader: reader) { reference, variable in
                guard let target = hosts[reference.host], let role = roles[target] else {
                    return EnvironmentInference.publicHost(reference).map { .external($0, origin: Origin("external host named by \(variable.why)", at: variable.location)) }
                }
                return hostTarget(target, role)
            }
            // Links and then depends_on, only for pairs nothing better explains.
            for (target, node) in service.links {
                relate(caller, to: target, role: roles[target], hosts: hosts, origin: Origin("links \(target)", at: node), system: &system)
            }
            for (target, node) in service.dependsOn {
                relate(caller, to: target, role: roles[target], hosts: hosts,
                       origin: Origin("depends_on \(target) (start order only; check the call)", at: node), system: &system)
            }
        }
        return system
    }

    private func hostTarget(_ name: String, _ role: Role) -> HostTarget {
        switch role {
        case .app: return .service(TopologyNames.safe(name), via: nil)
        case .datastore: return .datastore(TopologyNames.safe(name))
        case .broker(let broker): return .broker(broker)
        case .tooling: return .tooling
        }
    }

    /// A link or dependency, used only when the environment said nothing about the pair.
    private func relate(_ caller: String, to target: String, role: Role?, hosts: [String: String], origin: Origin, system: inout ImportedSystem) {
        guard let role else {
            reader.notes.add("'\(caller)' names '\(target)', which is no service of the Compose files", at: origin.location)
            return
        }
        let name = TopologyNames.safe(target)
        switch role {
        case .app:
            guard name != caller, !system.calls(caller, name) else { return }
            system.addCall(ImportedCall(target: name, origin: origin), from: caller)
        case .datastore:
            guard !system.usesDatastore(caller, name) else { return }
            system.addDatastoreUse(name, by: caller, access: .readWrite, origin: origin)
        case .broker(let broker):
            guard !system.uses(caller, channel: broker.channel) else { return }
            if !(system.service(caller).map { !$0.publishes.isEmpty || !$0.consumes.isEmpty } ?? false) {
                reader.notes.add("nothing says whether '\(caller)' publishes to or consumes from '\(target)' (\(origin.why)); add it under publishes or consumes by hand", at: origin.location)
            }
        case .tooling:
            return
        }
    }

    private func singleDocument(_ file: ParsedFile) -> YAMLNode? {
        if file.unreadable { return nil }
        if file.documents.count > 1, let second = file.documents[1].root {
            reader.error("a Compose file holds one YAML document; a second one starts here", at: second)
        }
        guard let root = file.documents.first?.root, !root.isNull else {
            if file.documents.isEmpty || file.documents.first?.root?.isNull == true {
                reader.error("the file is empty; a Compose file starts with 'services:'", at: SourceLocation(file: file.name, line: 1, column: 1))
            }
            return nil
        }
        return root
    }

    // MARK: Reading

    private func readServices(_ node: YAMLNode, into services: inout [String: ComposeService], order: inout [String]) {
        guard let entries = reader.mapping(node, what: "'services'") else { return }
        for (name, keyNode, body) in entries {
            if let problem = Names.problem(in: name) {
                reader.error("Compose service name '\(Names.printable(name))' is not valid: \(problem)", at: keyNode)
                continue
            }
            var service = services[name] ?? ComposeService(name: name, key: keyNode)
            if services[name] == nil { order.append(name) }
            guard let fields = reader.mapping(body, what: "Compose service '\(name)'") else { continue }
            for (field, fieldKey, value) in fields {
                switch field {
                case "image":
                    if let text = reader.string(value, what: "'image'") { service.image = (text, value) }
                case "command":
                    if let text = value.text { service.command = text }
                    else if value.kind == .sequence { service.command = value.elements.compactMap(\.text).joined(separator: " ") }
                case "ports":
                    if reader.list(value, what: "'ports'") != nil { service.ports = value }
                case "environment":
                    merge(readEnvironment(value), into: &service.environment)
                case "links":
                    for element in reader.list(value, what: "'links'") ?? [] {
                        guard let text = reader.string(element, what: "a link") else { continue }
                        let target = String(text.split(separator: ":").first ?? "")
                        service.links.append((target, element))
                    }
                case "depends_on":
                    if value.kind == .mapping {
                        for (target, targetKey, _) in reader.mapping(value, what: "'depends_on'") ?? [] { service.dependsOn.append((target, targetKey)) }
                    } else {
                        for element in reader.list(value, what: "'depends_on'") ?? [] {
                            if let target = reader.string(element, what: "a dependency") { service.dependsOn.append((target, element)) }
                        }
                    }
                case "container_name", "hostname":
                    if let text = reader.string(value, what: "'\(field)'") { service.aliases.append(text) }
                case "networks":
                    if value.kind == .mapping {
                        for (_, _, network) in value.entries.compactMap({ pair in pair.key.scalar.map { ($0, pair.key, pair.value) } }) {
                            for alias in network["aliases"]?.elements ?? [] { if let text = alias.text { service.aliases.append(text) } }
                        }
                    }
                case "build":
                    continue
                case "env_file":
                    reader.notes.add("Compose 'env_file' is not read; calls named only in those files are not seen", at: fieldKey)
                case "extends":
                    reader.notes.add("Compose 'extends' is not followed; the extended service's settings are not seen", at: fieldKey)
                case "external_links":
                    reader.notes.add("Compose 'external_links' name containers outside the files; not modelled", at: fieldKey)
                default:
                    if !field.hasPrefix("x-"), !Self.silentFields.contains(field) {
                        reader.notes.add("skipped unknown Compose service field '\(field)'", at: fieldKey)
                    }
                }
            }
            services[name] = service
        }
    }

    private func merge(_ variables: [EnvVar], into environment: inout [EnvVar]) {
        for variable in variables {
            if let index = environment.firstIndex(where: { $0.name == variable.name }) {
                environment[index] = variable
            } else {
                environment.append(variable)
            }
        }
    }

    /// `environment:` as a list (`- KEY=value`) or a mapping (`KEY: value`).
    /// A variable without a value comes from the shell and says nothing.
    private func readEnvironment(_ node: YAMLNode) -> [EnvVar] {
        var variables: [EnvVar] = []
        if node.kind == .mapping {
            for (name, _, value) in reader.mapping(node, what: "'environment'") ?? [] {
                if value.isNull { continue }
                guard let text = reader.string(value, what: "the value of \(name)") else { continue }
                variables.append(EnvVar(name: name, value: Self.interpolated(text), location: value.location, why: "env \(name)"))
            }
            return variables
        }
        for element in reader.list(node, what: "'environment'") ?? [] {
            guard let text = reader.string(element, what: "an environment entry") else { continue }
            guard let equals = text.firstIndex(of: "=") else { continue }
            let name = String(text[..<equals])
            variables.append(EnvVar(name: name, value: Self.interpolated(String(text[text.index(after: equals)...])),
                                    location: element.location, why: "env \(name)"))
        }
        return variables
    }

    /// Compose interpolation: `${VAR:-default}` and `${VAR-default}` become
    /// their default; `${VAR}` and `$VAR` stay (their values are not known,
    /// so a host containing one is not recognised). `$$` is a literal `$`.
    static func interpolated(_ text: String) -> String {
        guard text.contains("$") else { return text }
        return text.expandingReferences(open: "{", close: "}") { inner in
            let variableName = inner.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            let rest = inner.dropFirst(variableName.count)
            if rest.hasPrefix(":-") { return String(rest.dropFirst(2)) }
            if rest.hasPrefix("-") { return String(rest.dropFirst()) }
            return "${\(inner)}"
        }
    }

    // MARK: Roles

    private func role(of service: ComposeService, namedAsQueue: () -> Bool) -> Role {
        guard let (image, imageNode) = service.image, let kind = Infrastructure.classify(image: image) else { return .app }
        let origin = Origin("image \(image)", at: imageNode)
        switch kind {
        case .database(let kind):
            return .datastore(kind: kind, origin: origin)
        case .keyValue(let kind):
            guard namedAsQueue() else { return .datastore(kind: kind, origin: origin) }
            return .broker(BrokerTarget(channel: TopologyNames.safe(service.name), broker: Sourced(value: .other, origin: origin),
                                        delivery: nil, origin: Origin("compose service \(service.name) (\(kind) used as a queue)", at: service.key)))
        case .broker(let broker, let product):
            var delivery: Sourced<Delivery>?
            if broker == .nats, product == "NATS" {
                let jetStream = service.command.split(separator: " ").contains { $0 == "-js" || $0 == "--jetstream" }
                delivery = Sourced(value: jetStream ? .atLeastOnce : .atMostOnce,
                                   origin: Origin(jetStream ? "NATS JetStream (-js)" : "core NATS (no JetStream)", at: imageNode))
            }
            return .broker(BrokerTarget(channel: TopologyNames.safe(service.name), broker: Sourced(value: broker, origin: origin),
                                        delivery: delivery, origin: Origin("compose service \(service.name) (\(product))", at: service.key)))
        case .tooling(let what):
            return .tooling(what)
        }
    }

    /// A Redis-like service is a queue when its name says so, or when a
    /// variable naming its host does (`QUEUE_REDIS_URL`).
    private func queueNamed(_ name: String, services: [String: ComposeService], hosts: [String: String]) -> Bool {
        if Infrastructure.namedAsQueue(name) { return true }
        for other in services.values {
            for variable in other.environment where Infrastructure.namedAsQueue(variable.name) {
                let references = HostReferences.extract(variable: variable.name, value: variable.value)
                if references.contains(where: { hosts[$0.host] == name }) { return true }
            }
        }
        return false
    }
}
