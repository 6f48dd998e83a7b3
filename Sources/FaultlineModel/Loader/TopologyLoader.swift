public import FaultlineYAML

/// One input file: its name as the user gave it (it prefixes every position) and its bytes.
public struct SourceFile: Sendable {
    public let name: String
    private let storage: Storage

    /// A large file is mapped rather than read (see `MappedFile`).
    private enum Storage: Sendable {
        case array([UInt8])
        case mapped(MappedFile)
    }

    public init(name: String, bytes: [UInt8]) {
        self.name = name
        storage = .array(bytes)
    }

    public init(name: String, mapped: MappedFile) {
        self.name = name
        storage = .mapped(mapped)
    }

    public init(name: String, text: String) {
        self.init(name: name, bytes: Array(text.utf8))
    }

    /// The bytes, in place, for as long as `body` runs.
    public func withBytes<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        switch storage {
        case .array(let bytes): bytes.withUnsafeBufferPointer(body)
        case .mapped(let file): withExtendedLifetime(file) { body(file.bytes) }
        }
    }

    /// The file as one YAML document, parsed from its bytes in place.
    public func parse(limits: YAMLLimits = .default) -> YAMLParseResult {
        withBytes { YAMLParser.parse($0, file: name, limits: limits) }
    }

    /// The bytes as an array: a copy, for a mapped file.
    public var bytes: [UInt8] {
        switch storage {
        case .array(let bytes): bytes
        case .mapped(let file): Array(file.bytes)
        }
    }
}

/// Turns topology files into one validated `Topology`, or every problem found.
public enum TopologyLoader {
    public static let formatVersion = 1

    public static func load(_ files: [SourceFile], limits: YAMLLimits = .default) -> Result<Topology, LoadFailure> {
        load(files.map { $0.parse(limits: limits) }, fileNames: files.map(\.name))
    }

    /// The typed topology of files already parsed (one result per file, in order).
    public static func load(_ parsed: [YAMLParseResult], fileNames: [String]) -> Result<Topology, LoadFailure> {
        var diagnostics = parsed.flatMap(\.diagnostics)
        let documents = parsed.compactMap(\.document)
        let session = LoadSession(fileNames: fileNames)
        let topology = session.load(documents)
        // A YAML problem (an undefined alias, a bad key) leaves a stand-in node;
        // what the loader then says at the same place only repeats it.
        let yamlPlaces = Set(diagnostics.map(\.location))
        diagnostics += session.reader.diagnostics.filter { !yamlPlaces.contains($0.location) }
        if !diagnostics.isEmpty || documents.count != fileNames.count {
            return .failure(LoadFailure(diagnostics: deduplicated(diagnostics)))
        }
        return .success(topology)
    }

    private static func deduplicated(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        var seen = Set<Diagnostic>()
        return diagnostics.sorted().filter { seen.insert($0).inserted }
    }
}

public struct LoadFailure: Error, Sendable {
    /// Every problem, ordered by file, line and column.
    public let diagnostics: [Diagnostic]

    public init(diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
}

// The keys each mapping of the format may have, in the order messages list them.

private enum TopLevelKey: String, Keyword {
    case faultline, system, defaults, services, channels, datastores
    static let spellings = Spellings<Self>()
}

private enum DefaultsKey: String, Keyword {
    case timeout, retry, circuitBreaker = "circuit_breaker"
    static let spellings = Spellings<Self>()
}

private enum ServiceKey: String, Keyword {
    case entrypoint, timeout, owner, tracing, external, calls, operations, publishes, consumes, datastores
    static let spellings = Spellings<Self>()
}

private enum OperationKey: String, Keyword {
    case calls
    static let spellings = Spellings<Self>()
}

private enum CallKey: String, Keyword {
    case to, operation, via, timeout, retry, circuitBreaker = "circuit_breaker", perRequest = "per_request", idempotent, parallel, optional
    static let spellings = Spellings<Self>()
}

private enum RetryKey: String, Keyword {
    case maxAttempts = "max_attempts", backoff, base, max, jitter
    static let spellings = Spellings<Self>()
}

private enum CircuitBreakerKey: String, Keyword {
    case failureThreshold = "failure_threshold", openFor = "open_for"
    static let spellings = Spellings<Self>()
}

private enum ConsumerKey: String, Keyword {
    case from, dlq, retry, idempotent, maxInFlight = "max_in_flight"
    static let spellings = Spellings<Self>()
}

private enum DatastoreUseKey: String, Keyword {
    case name, access
    static let spellings = Spellings<Self>()
}

private enum ChannelKey: String, Keyword {
    case broker, delivery, maxLength = "max_length", dlq
    static let spellings = Spellings<Self>()
}

private enum DatastoreKey: String, Keyword {
    case kind
    static let spellings = Spellings<Self>()
}

/// Room for calls in memory another array owns: a capacity check and a store.
private struct CallSlots {
    private var base: UnsafeMutablePointer<Call>?
    private var capacity = 0
    private(set) var count = 0

    init() {}

    init(base: UnsafeMutablePointer<Call>, capacity: Int) {
        self.base = base
        self.capacity = capacity
    }

    /// False, with nothing written, when there is no room.
    mutating func append(_ call: Call) -> Bool {
        guard let base, count < capacity else { return false }
        (base + count).initialize(to: call)
        count += 1
        return true
    }
}

/// What a file's `defaults:` supplies to the calls declared in that file.
private struct FileDefaults {
    var timeout: Duration?
    var retry: RetrySetting = .unset
    var circuitBreaker: CircuitBreaker?
}

private struct Declaration {
    let name: String
    let key: YAMLNode
    let value: YAMLNode
    let file: Int
}

/// One load: declarations are gathered from every file first, so references
/// may point into another file; then bodies are read and references resolved.
private final class LoadSession {
    let reader = NodeReader()
    let fileNames: [String]
    var system: String?
    var defaults: [FileDefaults] = []

    /// Declarations, and their names by their bytes (a name's id is its
    /// declaration's index), filled as each file's top level is read.
    var serviceDeclarations: [Declaration] = []
    var serviceNames = NameTable()
    var channelDeclarations: [Declaration] = []
    var channelNames = NameTable()
    var datastoreDeclarations: [Declaration] = []
    var datastoreNames = NameTable()
    /// Per service with many operations: their names to their index. Most
    /// services have a few, found by a look along `operationDeclarations`;
    /// a dictionary for each of tens of thousands would cost more.
    var operationIDs: [[String: Int]?] = []
    var operationDeclarations: [[(name: String, key: YAMLNode, value: YAMLNode)]] = []

    var calls: [Call] = []
    /// A half's part of the shared array of calls (see `readDeclared`);
    /// calls go to `calls` once it is full, and always without one.
    var callSlots = CallSlots()
    /// The id of this session's first call: the second half of a large
    /// topology numbers its calls after the first half's.
    var firstCallID = 0
    /// From this many services on, operations and services are read in two
    /// halves side by side: where the first ends, the second half's
    /// declarations (read through document twins), and each service's call
    /// entries (the calls it has when every entry is a valid call).
    static let splitAt = 2_000
    private var middle = 0
    private var secondHalf: [Declaration] = []
    private var callEntryCounts: [Int] = []
    /// One twin per document for the second half (see `YAMLDocument.twin`).
    private var twins: [ObjectIdentifier: YAMLDocument] = [:]

    /// The node as the second half reads it: through its document's twin.
    private func twinned(_ node: YAMLNode) -> YAMLNode {
        let document = node.document
        if let twin = twins[ObjectIdentifier(document)] { return node.inTwin(twin) }
        let twin = document.twin()
        twins[ObjectIdentifier(document)] = twin
        return node.inTwin(twin)
    }

    init(fileNames: [String]) { self.fileNames = fileNames }

    /// A session that reads services with everything declared so far, into
    /// calls and diagnostics of its own.
    private func fork() -> LoadSession {
        let fork = LoadSession(fileNames: fileNames)
        fork.system = system
        fork.defaults = defaults
        fork.serviceDeclarations = serviceDeclarations
        fork.serviceNames = NameTable(copying: serviceNames)
        fork.channelNames = NameTable(copying: channelNames)
        fork.datastoreNames = NameTable(copying: datastoreNames)
        fork.channelDeclarations = channelDeclarations
        fork.datastoreDeclarations = datastoreDeclarations
        fork.operationIDs = operationIDs
        fork.operationDeclarations = operationDeclarations
        return fork
    }

    func load(_ documents: [YAMLDocument]) -> Topology {
        for (index, document) in documents.enumerated() {
            readTopLevel(document, file: index)
        }
        collectOperations()
        let (services, channels, datastores) = readDeclared()
        return Topology(system: system, files: fileNames, services: services, calls: calls, channels: channels, datastores: datastores)
    }

    /// Every service, read side by side on a large topology, each core with
    /// its own session (calls and diagnostics): one takes services in chunks
    /// from the start, the other from the end (through the documents' twins
    /// for the second half), so neither waits for the other when a core is
    /// slowed. Each service's calls take the ids after the call entries of
    /// the services before it, whichever core reads it, and are written
    /// straight into their place in one array, as the services are in theirs:
    /// a large topology's model is written once, not grown and copied.
    ///
    /// When some entry is not a call (the load then fails with its
    /// diagnostic), the numbering does not hold: everything is read again in
    /// one pass, as for a small topology.
    ///
    /// Channels and datastores are read by the cores too, each after its services.
    private func readDeclared() -> (services: [Service], channels: [Channel], datastores: [Datastore]) {
        let declarations = serviceDeclarations
        guard declarations.count >= LoadSession.splitAt, callEntryCounts.count == declarations.count else {
            return (declarations.enumerated().map { readService($0.element, id: $0.offset) },
                    channelDeclarations.map(readChannel), datastoreDeclarations.map(readDatastore))
        }
        let count = declarations.count, counts = callEntryCounts
        var firstCalls = [Int](repeating: 0, count: count)
        var totalCalls = 0
        for id in 0..<count {
            firstCalls[id] = totalCalls
            totalCalls += counts[id]
        }
        let halves = [fork(), fork()]
        let secondHalf = secondHalf, middle = middle
        let chunks = TwoEndedChunks(count: count, size: 64)
        var channels: [Channel] = [], datastores: [Datastore] = []
        var services: [Service] = []
        var numbered = false
        calls = [Call](unsafeUninitializedCapacity: max(totalCalls, 1)) { callBuffer, callsInitialized in
            guard let callBase = callBuffer.baseAddress else { return }
            services = [Service](unsafeUninitializedCapacity: count) { buffer, initialized in
                guard let base = buffer.baseAddress else { return }
                /// Reads the chunks one core takes; false when a service's calls did not fill its entries.
                func readChunks(_ half: Int) -> Bool {
                    let session = halves[half]
                    var exact = true
                    while let chunk = chunks.take(fromStart: half == 0) {
                        for id in chunk {
                            session.firstCallID = firstCalls[id]
                            session.callSlots = CallSlots(base: callBase + firstCalls[id], capacity: counts[id])
                            let declaration = id < middle ? declarations[id] : secondHalf[id - middle]
                            (base + id).initialize(to: session.readService(declaration, id: id))
                            if session.callSlots.count != counts[id] || !session.calls.isEmpty {
                                exact = false
                                session.calls.removeAll()
                            }
                        }
                    }
                    session.callSlots = CallSlots()
                    return exact
                }
                let (first, second) = inParallel({
                    (exact: readChunks(0), read: halves[0].channelDeclarations.map(halves[0].readChannel))
                }, {
                    (exact: readChunks(1), read: halves[1].datastoreDeclarations.map(halves[1].readDatastore))
                })
                numbered = first.exact && second.exact
                channels = first.read
                datastores = second.read
                initialized = count
            }
            // Calls are plain values: a slot left unwritten needs no clean-up.
            callsInitialized = numbered ? totalCalls : 0
        }
        guard numbered else {
            calls = []
            return (declarations.enumerated().map { readService($0.element, id: $0.offset) },
                    channelDeclarations.map(readChannel), datastoreDeclarations.map(readDatastore))
        }
        reader.append(halves[0].reader.diagnostics)
        reader.append(halves[1].reader.diagnostics)
        return (services, channels, datastores)
    }

    /// The entries of a service's `calls:` lists, its own and its operations':
    /// the ids its calls will take when every entry is a valid call.
    private static func callEntryCount(of declaration: Declaration, operations: [(name: String, key: YAMLNode, value: YAMLNode)]) -> Int {
        func entries(in mapping: YAMLNode) -> Int {
            guard mapping.kind == .mapping else { return 0 }
            for index in 0..<mapping.count where mapping.entry(at: index).key.scalarEquals("calls") {
                let list = mapping.entry(at: index).value
                return list.kind == .sequence ? list.count : 0
            }
            return 0
        }
        return entries(in: declaration.value) + operations.reduce(0) { $0 + entries(in: $1.value) }
    }

    // MARK: Top level

    private func readTopLevel(_ document: YAMLDocument, file: Int) {
        defaults.append(FileDefaults())
        guard let root = document.root, !root.isNull else {
            reader.error("the file is empty; a topology starts with 'faultline: 1' and a 'services:' mapping",
                         at: SourceLocation(file: document.file, line: 1, column: 1))
            return
        }
        var sawVersion = false, sawServices = false
        let isMapping = reader.forEachField(of: root, what: "the topology", allowed: TopLevelKey.self, alwaysSuggest: true) { key, keyNode, value in
            switch key {
            case .faultline:
                sawVersion = true
                if let version = reader.integer(value, what: "'faultline' (the format version)", in: Int.min...Int.max),
                   version != TopologyLoader.formatVersion {
                    reader.error("unsupported format version \(version); this faultline reads 'faultline: \(TopologyLoader.formatVersion)'", at: value)
                }
            case .system:
                if let name = reader.string(value, what: "'system'"), system == nil { system = name }
            case .defaults:
                defaults[file] = readDefaults(value)
            case .services:
                sawServices = true
                declare(value, file: file, what: "service", into: &serviceDeclarations, names: serviceNames)
                if value.kind == .mapping, (0..<value.count).allSatisfy({ value.entry(at: $0).key.scalar?.hasPrefix("x-") == true }) {
                    reader.error("'services' is empty; declare at least one service", at: value)
                } else if value.isNull {
                    reader.error("'services' is empty; declare at least one service", at: keyNode)
                }
            case .channels:
                declare(value, file: file, what: "channel", into: &channelDeclarations, names: channelNames)
            case .datastores:
                declare(value, file: file, what: "datastore", into: &datastoreDeclarations, names: datastoreNames)
            }
        }
        guard isMapping else { return }
        if !sawVersion {
            reader.error("missing 'faultline: \(TopologyLoader.formatVersion)', the format version this file is written in", at: root)
        }
        if !sawServices {
            reader.error("missing 'services:', the mapping of the system's services", at: root)
        }
    }

    private func declare(_ node: YAMLNode, file: Int, what: String, into declarations: inout [Declaration], names table: NameTable) {
        if node.isNull { return }
        guard node.kind == .mapping else {
            reader.error("'\(what)s' must be a mapping of names to \(what)s, not \(node.kindDescription)", at: node)
            return
        }
        // Tens of thousands of names on a large topology: room made once, keys
        // checked on their bytes, the label built once.
        let label = "\(what) name"
        declarations.reserveCapacity(declarations.count + node.count)
        table.reserve(node.count)
        // Names are made and checked side by side on a large topology (the
        // second half through a twin of the document); ids are given in order.
        let count = node.count, halves = count >= LoadSession.splitAt ? [0..<count / 2, count / 2..<count] : [0..<count]
        let twin = halves.count > 1 ? twinned(node) : node
        let parts = concurrentMap(halves.count) { half in
            let reader = half == 0 ? self.reader : NodeReader()
            let mapping = half == 0 ? node : twin
            return (names: halves[half].map { index -> (name: String, hash: Int)? in
                let key = mapping.entry(at: index).key
                let isExtension = key.withScalarBytes { $0.count >= 2 && $0[0] == UInt8(ascii: "x") && $0[1] == UInt8(ascii: "-") }
                guard let isExtension, !isExtension, let name = reader.name(key, what: label) else { return nil }
                return (name, NameTable.hash(of: name))
            }, reader: reader)
        }
        if parts.count > 1 { reader.append(parts[1].reader.diagnostics) }
        for (half, part) in parts.enumerated() {
            for (offset, declared) in part.names.enumerated() {
                guard let declared else { continue }
                var name = declared.name
                let (key, value) = node.entry(at: halves[half].lowerBound + offset)
                let (id, added) = name.withUTF8 { table.addIfAbsent($0, hash: declared.hash) }
                guard added else {
                    let first = declarations[id].key.location
                    reader.error("\(what) '\(name)' is declared twice: here and at \(first)", at: key)
                    continue
                }
                declarations.append(Declaration(name: name, key: key, value: value, file: file))
            }
        }
    }

    private func readDefaults(_ node: YAMLNode) -> FileDefaults {
        var result = FileDefaults()
        if node.isNull { return result }
        _ = reader.forEachField(of: node, what: "'defaults'", allowed: DefaultsKey.self) { key, _, value in
            switch key {
            case .timeout:
                if !NodeReader.isNone(value) { result.timeout = reader.duration(value, what: "default timeout") }
            case .retry:
                result.retry = readRetry(value, what: "default retry")
            case .circuitBreaker:
                result.circuitBreaker = readCircuitBreaker(value, what: "default circuit_breaker") ?? nil
            }
        }
        return result
    }

    // MARK: Services

    /// Operations are gathered before any call is read, so `operation:` can be checked
    /// whichever order services come in. On a large topology the two halves
    /// are gathered side by side, the second through twins of the documents
    /// (see `YAMLDocument.twin`), which it then reads its services through too.
    private func collectOperations() {
        let count = serviceDeclarations.count
        guard count >= LoadSession.splitAt else {
            for declaration in serviceDeclarations {
                let (ids, list) = LoadSession.operations(of: declaration, reader: reader)
                operationIDs.append(ids)
                operationDeclarations.append(list)
            }
            return
        }
        middle = count / 2
        let middle = middle, declarations = serviceDeclarations
        // Twins made here, once per document, so that the second half can
        // map its own declarations onto them side by side with the first.
        var lastDocument: ObjectIdentifier?
        for declaration in declarations[middle...] where ObjectIdentifier(declaration.key.document) != lastDocument {
            lastDocument = ObjectIdentifier(declaration.key.document)
            _ = twinned(declaration.key)
        }
        let twins = twins
        var halves: [(reader: NodeReader, secondHalf: [Declaration])] = []
        // Both halves write straight into the session's lists: joined
        // after, they were copied once more on one core.
        callEntryCounts = [Int](unsafeUninitializedCapacity: count) { countsBuffer, countsInitialized in
            operationIDs = [[String: Int]?](unsafeUninitializedCapacity: count) { idsBuffer, idsInitialized in
                operationDeclarations = [[(name: String, key: YAMLNode, value: YAMLNode)]](unsafeUninitializedCapacity: count) { listsBuffer, listsInitialized in
                    guard let idsBase = idsBuffer.baseAddress, let listsBase = listsBuffer.baseAddress,
                          let countsBase = countsBuffer.baseAddress else { return }
                    halves = concurrentMap(2) { half in
                        let reader = NodeReader()
                        let range = half == 0 ? 0..<middle : middle..<count
                        var secondHalf: [Declaration] = []
                        if half == 1 {
                            secondHalf.reserveCapacity(range.count)
                            var twin: (of: ObjectIdentifier, document: YAMLDocument)?
                            for declaration in declarations[range] {
                                let document = declaration.key.document
                                if twin?.of != ObjectIdentifier(document) {
                                    twin = twins[ObjectIdentifier(document)].map { (ObjectIdentifier(document), $0) }
                                }
                                guard let twin else { secondHalf.append(declaration); continue }
                                secondHalf.append(Declaration(name: declaration.name, key: declaration.key.inTwin(twin.document),
                                                              value: declaration.value.inTwin(twin.document), file: declaration.file))
                            }
                        }
                        for index in range {
                            let declaration = half == 0 ? declarations[index] : secondHalf[index - middle]
                            let (serviceIDs, list) = LoadSession.operations(of: declaration, reader: reader)
                            (idsBase + index).initialize(to: serviceIDs)
                            (listsBase + index).initialize(to: list)
                            (countsBase + index).initialize(to: LoadSession.callEntryCount(of: declaration, operations: list))
                        }
                        return (reader, secondHalf)
                    }
                    listsInitialized = count
                }
                idsInitialized = count
            }
            countsInitialized = count
        }
        secondHalf = halves[1].secondHalf
        reader.append(halves[0].reader.diagnostics)
        reader.append(halves[1].reader.diagnostics)
    }

    /// Beyond this many operations a service's are found through a dictionary.
    private static let operationsFoundByLooking = 16

    /// A service's operations, name, key and value in order, and for a service
    /// with many of them each name's index.
    private static func operations(of declaration: Declaration, reader: NodeReader)
        -> (ids: [String: Int]?, list: [(name: String, key: YAMLNode, value: YAMLNode)]) {
        var list: [(name: String, key: YAMLNode, value: YAMLNode)] = []
        let value = declaration.value
        if value.kind == .mapping,
           let found = (0..<value.count).first(where: { value.entry(at: $0).key.scalarEquals("operations") }) {
            let operations = value.entry(at: found).value
            if operations.kind == .mapping {
                for (key, value) in operations.entries {
                    guard let text = key.scalar, !text.hasPrefix("x-") else { continue }
                    guard let name = reader.name(key, what: "operation name") else { continue }
                    list.append((name, key, value))
                }
            } else if !operations.isNull {
                reader.error("'operations' must be a mapping of operation names to their calls, not \(operations.kindDescription)", at: operations)
            }
        }
        guard list.count > operationsFoundByLooking else { return (nil, list) }
        // Keys of one mapping are distinct (the parser rejects repeats), so each name has one index.
        return (Dictionary(list.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first }), list)
    }

    private func operationIndex(of name: String, in service: ServiceID) -> Int? {
        if let ids = operationIDs[service] { return ids[name] }
        return operationDeclarations[service].firstIndex { $0.name == name }
    }

    private func readService(_ declaration: Declaration, id: ServiceID) -> Service {
        var service = Service(name: declaration.name, location: declaration.key.location, entrypoint: false, timeout: nil,
                              owner: nil, tracing: false, external: false, calls: [], operations: [],
                              publishes: [], consumes: [], datastores: [])
        let value = declaration.value
        if value.isNull { return service }
        var callsNode: YAMLNode?
        let isMapping = reader.forEachField(of: value, what: "service '\(declaration.name)'", allowed: ServiceKey.self) { key, _, node in
            switch key {
            case .entrypoint: service.entrypoint = reader.bool(node, what: "'entrypoint'") ?? false
            case .timeout: service.timeout = reader.duration(node, what: "service timeout")
            case .owner: service.owner = reader.string(node, what: "'owner'")
            case .tracing: service.tracing = reader.bool(node, what: "'tracing'") ?? false
            case .external: service.external = reader.bool(node, what: "'external'") ?? false
            case .calls: callsNode = node
            case .operations: break  // gathered before any service is read (collectOperations)
            case .publishes:
                if node.kind == .sequence, node.count > 1 { service.publishes.reserveCapacity(node.count) }
                _ = reader.forEachElement(of: node, what: "'publishes'") { element in
                    if let channel = channelReference(element, what: "published channel") { service.publishes.append(channel) }
                }
            case .consumes:
                if node.kind == .sequence, node.count > 1 { service.consumes.reserveCapacity(node.count) }
                _ = reader.forEachElement(of: node, what: "'consumes'") { element in
                    if let consumer = readConsumer(element) { service.consumes.append(consumer) }
                }
            case .datastores:
                if node.kind == .sequence, node.count > 1 { service.datastores.reserveCapacity(node.count) }
                _ = reader.forEachElement(of: node, what: "'datastores'") { element in
                    guard let use = readDatastoreUse(element) else { return }
                    // A service lists a few datastores: looked through rather than
                    // hashed, which was a dictionary per service.
                    if let first = service.datastores.first(where: { $0.datastore == use.datastore }) {
                        reader.error("datastore '\(datastoreDeclarations[use.datastore].name)' is listed twice for \(declaration.name); first at \(first.location)", at: use.location)
                        return
                    }
                    service.datastores.append(use)
                }
            }
        }
        guard isMapping else { return service }
        if let callsNode {
            if service.external, callsNode.count > 0 {
                reader.error("service '\(declaration.name)' is external, so its calls are not known to this system; remove 'calls' or drop 'external: true'", at: callsNode)
            } else {
                service.calls = readCalls(callsNode, caller: id, operation: nil, file: declaration.file)
            }
        }
        // Only where there is something to reserve: reserving nothing still allocates.
        if operationDeclarations[id].count > 1 { service.operations.reserveCapacity(operationDeclarations[id].count) }
        for (index, operation) in operationDeclarations[id].enumerated() {
            service.operations.append(readOperation(operation, service: service, caller: id, index: index, file: declaration.file))
        }
        return service
    }

    private func readOperation(_ operation: (name: String, key: YAMLNode, value: YAMLNode), service: Service,
                               caller: ServiceID, index: Int, file: Int) -> Operation {
        var result = Operation(name: operation.name, location: operation.key.location, calls: [])
        if operation.value.isNull { return result }
        _ = reader.forEachField(of: operation.value, what: "operation '\(operation.name)'", allowed: OperationKey.self) { _, _, node in
            if service.external, node.count > 0 {
                reader.error("service '\(service.name)' is external, so its calls are not known to this system; remove 'calls' or drop 'external: true'", at: node)
                return
            }
            result.calls = readCalls(node, caller: caller, operation: index, file: file)
        }
        return result
    }

    private func readCalls(_ node: YAMLNode, caller: ServiceID, operation: Int?, file: Int) -> [CallID] {
        var ids: [CallID] = []
        // Sized once: grown append by append, the lists of 139 000 calls were 100 000 allocations.
        if node.kind == .sequence, node.count > 1 { ids.reserveCapacity(node.count) }
        _ = reader.forEachElement(of: node, what: "'calls'") { element in
            let (call, isValid) = readCall(element, caller: caller, operation: operation, file: file)
            if isValid {
                ids.append(firstCallID + callSlots.count + calls.count)
                if !callSlots.append(call) { calls.append(call) }
            }
        }
        return ids
    }

    /// The call, and whether it is valid (an invalid one is reported, and left
    /// out). Not an optional: memcheck took the compiler's test of an optional
    /// `Call` for a read of a retry setting's unwritten bytes, thousands of
    /// times a run, which hid anything real it might report.
    private func readCall(_ node: YAMLNode, caller: ServiceID, operation: Int?, file: Int) -> (call: Call, isValid: Bool) {
        let fileDefaults = defaults[file]
        var call = Call(caller: caller, callerOperation: operation, target: 0, targetOperation: nil, via: .http,
                        timeout: fileDefaults.timeout, timeoutSource: fileDefaults.timeout == nil ? .unset : .defaults,
                        retry: fileDefaults.retry, retrySource: fileDefaults.retry == .unset ? .unset : .defaults,
                        circuitBreaker: fileDefaults.circuitBreaker, circuitBreakerSource: fileDefaults.circuitBreaker == nil ? .unset : .defaults,
                        perRequest: 1, idempotent: false, parallel: false, optional: false, location: node.location)
        var target: ServiceID?
        var operationNode: YAMLNode?
        var valid = true, sawTarget = false
        let isMapping = reader.forEachField(of: node, what: "a call", allowed: CallKey.self) { key, _, value in
            switch key {
            case .to:
                sawTarget = true
                call.location = value.location
                target = reference(value, what: "call target", in: serviceNames, declarations: serviceDeclarations, kind: "service")
                if target == nil { valid = false }
            case .operation: operationNode = value
            case .via: call.via = reader.choice(value, what: "'via'", as: CallProtocol.self) ?? .http
            case .timeout:
                if NodeReader.isNone(value) {
                    call.timeout = nil
                    call.timeoutSource = .disabled
                } else {
                    call.timeout = reader.duration(value, what: "call timeout")
                    call.timeoutSource = .own
                    if call.timeout == nil { valid = false }
                }
            case .retry:
                call.retry = readRetry(value, what: "'retry'")
                call.retrySource = .own
            case .circuitBreaker:
                if let breaker = readCircuitBreaker(value, what: "'circuit_breaker'") {
                    call.circuitBreaker = breaker
                    call.circuitBreakerSource = breaker == nil ? .disabled : .own
                }
            case .perRequest: call.perRequest = reader.integer(value, what: "'per_request'", in: 1...1_000_000) ?? 1
            case .idempotent: call.idempotent = reader.bool(value, what: "'idempotent'") ?? false
            case .parallel: call.parallel = reader.bool(value, what: "'parallel'") ?? false
            case .optional: call.optional = reader.bool(value, what: "'optional'") ?? false
            }
        }
        guard isMapping else { return (call, false) }
        guard sawTarget else {
            reader.error("a call needs 'to:', the name of the service it calls", at: node)
            return (call, false)
        }
        guard let target, valid else { return (call, false) }
        call.target = target
        if let operationNode, let name = reader.name(operationNode, what: "operation") {
            let targetName = serviceDeclarations[target].name
            if let index = operationIndex(of: name, in: target) {
                call.targetOperation = index
            } else if operationDeclarations[target].isEmpty {
                reader.error("operation '\(name)' is not declared: service '\(targetName)' declares no operations (declare it under \(targetName).operations, or drop 'operation:')", at: operationNode)
            } else {
                let suggestion = Suggestions.closest(to: name, in: operationDeclarations[target].map(\.name))
                reader.error("operation '\(name)' is not declared by service '\(targetName)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? "; it declares \(operationDeclarations[target].map { "'\($0.name)'" }.joined(separator: ", "))"), at: operationNode)
            }
        }
        return (call, true)
    }

    // MARK: Policies

    private func readRetry(_ node: YAMLNode, what: String) -> RetrySetting {
        if NodeReader.isNone(node) { return .none(node.location) }
        var policy = RetryPolicy(maxAttempts: 1, location: node.location)
        var sawAttempts = false
        let isMapping = reader.forEachField(of: node, what: "a retry policy", allowed: RetryKey.self) { key, _, value in
            switch key {
            case .maxAttempts:
                sawAttempts = true
                policy.maxAttempts = reader.integer(value, what: "'max_attempts' (total tries, the first included)", in: 1...1000) ?? 1
            case .backoff: policy.backoff = reader.choice(value, what: "'backoff'", as: Backoff.self) ?? .none
            case .base: policy.base = reader.duration(value, what: "backoff 'base'") ?? policy.base
            case .max: policy.max = reader.duration(value, what: "backoff 'max'")
            case .jitter: policy.jitter = reader.bool(value, what: "'jitter'") ?? false
            }
        }
        guard isMapping else { return .unset }
        if !sawAttempts {
            reader.error("\(what) needs 'max_attempts' (total tries, the first included; 1 means no retry), or write 'retry: none'", at: node)
        }
        return .policy(policy)
    }

    /// nil on error; `.some(nil)` for `false` (switched off).
    private func readCircuitBreaker(_ node: YAMLNode, what: String) -> CircuitBreaker?? {
        if node.kind == .scalar {
            if node.isPlainScalar, let text = node.scalar {
                if NodeReader.trueWords.contains(text) { return .some(CircuitBreaker()) }
                if NodeReader.falseWords.contains(text) { return .some(nil) }
            }
            reader.error("\(what) must be true, false or a mapping such as { failure_threshold: 5, open_for: 30s }, not \(node.kindDescription)", at: node)
            return nil
        }
        var breaker = CircuitBreaker()
        let isMapping = reader.forEachField(of: node, what: "a circuit breaker", allowed: CircuitBreakerKey.self) { key, _, value in
            switch key {
            case .failureThreshold: breaker.failureThreshold = reader.integer(value, what: "'failure_threshold'", in: 1...1_000_000)
            case .openFor: breaker.openFor = reader.duration(value, what: "'open_for'")
            }
        }
        return isMapping ? .some(breaker) : nil
    }

    // MARK: Consumers, channels, datastores

    private func readConsumer(_ node: YAMLNode) -> Consumer? {
        var consumer = Consumer(channel: 0, location: node.location, dlq: nil, retry: .unset, idempotent: false, maxInFlight: nil)
        var channel: ChannelID?
        var sawChannel = false
        let isMapping = reader.forEachField(of: node, what: "a consumer", allowed: ConsumerKey.self) { key, _, value in
            switch key {
            case .from:
                sawChannel = true
                consumer.location = value.location
                channel = channelReference(value, what: "consumed channel")
            case .dlq: consumer.dlq = channelReference(value, what: "dead-letter queue")
            case .retry: consumer.retry = readRetry(value, what: "'retry'")
            case .idempotent: consumer.idempotent = reader.bool(value, what: "'idempotent'") ?? false
            case .maxInFlight: consumer.maxInFlight = reader.integer(value, what: "'max_in_flight'", in: 1...100_000_000)
            }
        }
        guard isMapping else { return nil }
        guard sawChannel else {
            reader.error("a consumer needs 'from:', the channel it consumes", at: node)
            return nil
        }
        guard let channel else { return nil }
        consumer.channel = channel
        return consumer
    }

    private func readDatastoreUse(_ node: YAMLNode) -> DatastoreUse? {
        if node.kind == .scalar {
            guard let id = reference(node, what: "datastore", in: datastoreNames, declarations: datastoreDeclarations, kind: "datastore") else { return nil }
            return DatastoreUse(datastore: id, access: .readWrite, location: node.location)
        }
        var id: DatastoreID?
        var access = DatastoreAccess.readWrite
        var location = node.location
        var sawName = false
        let isMapping = reader.forEachField(of: node, what: "a datastore use", allowed: DatastoreUseKey.self) { key, _, value in
            switch key {
            case .name:
                sawName = true
                location = value.location
                id = reference(value, what: "datastore", in: datastoreNames, declarations: datastoreDeclarations, kind: "datastore")
            case .access: access = reader.choice(value, what: "'access'", as: DatastoreAccess.self) ?? .readWrite
            }
        }
        guard isMapping else { return nil }
        guard sawName else {
            reader.error("a datastore use needs 'name:', the datastore it uses", at: node)
            return nil
        }
        guard let id else { return nil }
        return DatastoreUse(datastore: id, access: access, location: location)
    }

    private func readChannel(_ declaration: Declaration) -> Channel {
        var channel = Channel(name: declaration.name, location: declaration.key.location, broker: nil,
                              delivery: .atLeastOnce, maxLength: nil, dlq: nil)
        if declaration.value.isNull { return channel }
        _ = reader.forEachField(of: declaration.value, what: "channel '\(declaration.name)'", allowed: ChannelKey.self) { key, _, value in
            switch key {
            case .broker: channel.broker = reader.choice(value, what: "'broker'", as: Broker.self)
            case .delivery: channel.delivery = reader.choice(value, what: "'delivery'", as: Delivery.self) ?? .atLeastOnce
            case .maxLength: channel.maxLength = reader.integer(value, what: "'max_length'", in: 1...Int.max)
            case .dlq:
                channel.dlq = channelReference(value, what: "dead-letter queue")
            }
        }
        return channel
    }

    private func readDatastore(_ declaration: Declaration) -> Datastore {
        var datastore = Datastore(name: declaration.name, location: declaration.key.location, kind: nil)
        if declaration.value.isNull { return datastore }
        _ = reader.forEachField(of: declaration.value, what: "datastore '\(declaration.name)'", allowed: DatastoreKey.self) { key, _, value in
            switch key {
            case .kind: datastore.kind = reader.string(value, what: "'kind'")
            }
        }
        return datastore
    }

    // MARK: References

    private func channelReference(_ node: YAMLNode, what: String) -> ChannelID? {
        reference(node, what: what, in: channelNames, declarations: channelDeclarations, kind: "channel")
    }

    /// The id of the declared name a node holds, found on the scalar's bytes.
    /// Anything else is read the long way only to explain what is wrong with
    /// it: not a valid name, or not declared (with the closest declared one).
    ///
    /// The declarations are only read for that explanation: passed as a value,
    /// the array (shared by the loader's halves) was retained and released for
    /// every call on both cores, one reference count fought over.
    @inline(__always)
    private func reference(_ node: YAMLNode, what: String, in table: NameTable, declarations: @autoclosure () -> [Declaration], kind: String) -> Int? {
        if !node.isNull, let id = node.withScalarBytes({ table.id(of: $0) }) ?? nil { return id }
        return unresolved(node, what: what, declarations: declarations(), kind: kind)
    }

    private func unresolved(_ node: YAMLNode, what: String, declarations: [Declaration], kind: String) -> Int? {
        guard let name = reader.name(node, what: what) else { return nil }
        var message = "\(kind) '\(name)' is not declared"
        // A typo hunt over very large systems would cost more than it helps.
        if declarations.count <= 20_000, let suggestion = Suggestions.closest(to: name, in: declarations.lazy.map(\.name)) {
            message += "; did you mean '\(suggestion)'?"
        } else {
            message += " under '\(kind)s:'"
        }
        reader.error(message, at: node)
        return nil
    }
}

