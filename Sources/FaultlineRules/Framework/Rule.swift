public import FaultlineYAML
public import FaultlineModel
public import FaultlineGraph

/// A check over the analysed graph. Rules only read; the analyzer decides
/// severity and what is reported.
public protocol Rule: Sendable {
    static var description: RuleDescription { get }
    init()
    func check(_ context: RuleContext) -> [Finding]
    /// How long the rule runs on a large topology, relative to the others
    /// (milliseconds at 50 000 services, from `--timings`; 1 unless set). Only
    /// the order rules start in depends on it: the heaviest start first, so
    /// the last rule to finish does not run alone while the other cores wait.
    static var weight: Int { get }
}

extension Rule {
    public static var weight: Int { 1 }
}

/// What one rule sees when it runs: the shared analysis and its own settings.
public struct RuleContext: Sendable {
    public let analysis: GraphAnalysis
    /// Stored rather than read through `analysis` so helpers do not copy it per call.
    public let topology: Topology
    public let ruleID: String
    public let severity: Severity
    private let thresholds: [String: Int]

    public init(analysis: GraphAnalysis, ruleID: String, severity: Severity, thresholds: [String: Int]) {
        self.analysis = analysis
        self.topology = analysis.topology
        self.ruleID = ruleID
        self.severity = severity
        self.thresholds = thresholds
    }

    /// The configured value of one of the rule's thresholds (its default unless changed).
    public func threshold(_ key: String) -> Int {
        guard let value = thresholds[key] else {
            preconditionFailure("rule \(ruleID) reads threshold '\(key)' that it does not declare")
        }
        return value
    }

    public func finding(_ message: Message, at location: SourceLocation, service: String? = nil, operation: String? = nil,
                        target: String? = nil, channel: String? = nil, datastore: String? = nil, path: [String]? = nil,
                        severity: Severity? = nil) -> Finding {
        Finding.NameBytes.borrowing(service, operation, target) { names in
            finding(message, at: location, names: names, channel: channel, datastore: datastore, path: path, severity: severity)
        }
    }

    private func finding(_ message: Message, at location: SourceLocation, names: Finding.NameBytes, channel: String? = nil,
                         datastore: String? = nil, path: [String]? = nil, severity: Severity?) -> Finding {
        message.withBytes {
            Finding(rule: ruleID, severity: severity ?? self.severity, messageBytes: $0, names: names, channel: channel,
                    datastore: datastore, path: path, location: location)
        }
    }

    /// A call's caller, its operation and its target, read from the analysis's table (see `NameBytes`).
    private func names(of call: Call) -> Finding.NameBytes {
        let caller = callerLabel(call)
        return Finding.NameBytes(service: caller.service.bytes, operation: caller.operation?.bytes, target: name(of: call.target).bytes)
    }

    // Shared helpers for findings about calls.

    public func serviceName(_ id: ServiceID) -> String { topology.services[id].name }

    /// The operation a call is declared under, if any.
    public func callerOperationName(_ call: Call) -> String? {
        // Not `map` with a closure: the closure copied the whole `Service`
        // (a retain of each of its arrays) for one name.
        guard let operation = call.callerOperation else { return nil }
        return topology.services[call.caller].operations[operation].name
    }

    /// A service's name for a message, read from the analysis's table (see `NameBytes`).
    public func name(of service: ServiceID) -> NameText { analysis.names.service(service) }

    /// "checkout" or "checkout (PlaceOrder)", as a call's caller is named in messages.
    public func callerLabel(_ call: Call) -> Label {
        let names = analysis.names
        return Label(service: names.service(call.caller), operation: call.callerOperation.map { names.operation($0, of: call.caller) },
                     style: .parenthesized)
    }

    /// "payments" or "payments.Charge", as a call's target is named in messages.
    public func targetLabel(_ call: Call) -> Label {
        let names = analysis.names
        return Label(service: names.service(call.target), operation: call.targetOperation.map { names.operation($0, of: call.target) },
                     style: .dotted)
    }

    /// A finding that sits on a call's `to:` value.
    public func finding(_ message: Message, onCall call: Call, severity: Severity? = nil) -> Finding {
        finding(message, at: call.location, names: names(of: call), severity: severity)
    }

    /// A finding that sits on a call's `to:` value, with its message made
    /// by `source` from `subject` when it is read (see `MessageSource`).
    public func finding(onCall call: Call, subject: MessageSource.Subject, source: MessageSource, severity: Severity? = nil) -> Finding {
        Finding(rule: ruleID, severity: severity ?? self.severity, source: source, subject: subject, names: names(of: call),
                location: call.location)
    }

    /// A finding that sits at a request-graph node: its operation's key, or its service's key.
    public func finding(_ message: Message, onNode node: Int, path: [String]? = nil) -> Finding {
        let service = analysis.requests.nodeService[node]
        let location: SourceLocation
        if let operation = analysis.requests.operation(of: node) {
            location = topology.services[service].operations[operation].location
        } else {
            location = topology.services[service].location
        }
        let label = nodeLabel(node)
        return finding(message, at: location, names: Finding.NameBytes(service: label.service.bytes, operation: label.operation?.bytes),
                       path: path, severity: nil)
    }

    /// The findings `check` makes on every consumer, given with the id of the
    /// service that declares it, in file order. The services are read in
    /// place: copying each (every field retained, by rules on both cores at
    /// once) cost more than the checks.
    public func findingsOnConsumers(_ check: (_ service: ServiceID, _ consumer: Consumer) -> Finding?) -> [Finding] {
        var findings: [Finding] = []
        for service in topology.services.indices {
            for consumer in topology.services[service].consumes {
                if let finding = check(service, consumer) { findings.append(finding) }
            }
        }
        return findings
    }

    /// Findings on the consumers `reported` picks, in file order, with their
    /// messages made by `source` when read; the subject is the service and
    /// the consumer's place in its `consumes:` list.
    public func findingsOnConsumers(source: MessageSource, severity: Severity? = nil,
                                    where reported: (_ service: ServiceID, _ consumer: Consumer) -> Bool) -> [Finding] {
        var findings: [Finding] = []
        for service in topology.services.indices {
            for (index, consumer) in topology.services[service].consumes.enumerated() where reported(service, consumer) {
                let finding = topology.channels[consumer.channel].name.withUTF8InPlace { channel in
                    Finding(rule: ruleID, severity: severity ?? self.severity, source: source, subject: .init(service, index),
                            names: Finding.NameBytes(service: name(of: service).bytes, target: channel), location: consumer.location)
                }
                findings.append(finding)
            }
        }
        return findings
    }

    /// Findings on the calls `reported` picks, in file order, with their
    /// messages made by `message` from the call when read (the subject is
    /// the call) and the severity `severity` gives, the rule's when nil.
    public func findingsOnCalls(message: @escaping @Sendable (_ call: Call) -> Message,
                                severity: (_ call: Call) -> Severity? = { _ in nil },
                                where reported: (_ call: Call) -> Bool) -> [Finding] {
        let topology = topology
        let source = MessageSource { subject in message(topology.calls[subject.first]) }
        var findings: [Finding] = []
        for (id, call) in topology.calls.enumerated() where reported(call) {
            findings.append(finding(onCall: call, subject: .init(id), source: source, severity: severity(call)))
        }
        return findings
    }

    /// The consumer a consumer finding's subject names (see `findingsOnConsumers(source:severity:where:)`).
    public func consumer(_ subject: MessageSource.Subject) -> Consumer {
        topology.services[subject.first].consumes[subject.second]
    }

    /// A finding on a service's key, with its message made by `source` from
    /// `subject` when it is read.
    public func finding(onService service: ServiceID, subject: MessageSource.Subject, source: MessageSource) -> Finding {
        Finding(rule: ruleID, severity: severity, source: source, subject: subject, names: Finding.NameBytes(service: name(of: service).bytes),
                location: topology.services[service].location)
    }

    /// A finding that sits on a consumer's `from:` value, with the channel as its target.
    public func finding(_ message: Message, onConsumer consumer: Consumer, of service: ServiceID, severity: Severity? = nil) -> Finding {
        finding(message, at: consumer.location, service: serviceName(service), target: topology.channels[consumer.channel].name, severity: severity)
    }

    /// "frontend" or "frontend (PlaceOrder)" for a request-graph node.
    public func nodeLabel(_ node: Int) -> Label {
        let service = analysis.requests.nodeService[node]
        return Label(service: analysis.names.service(service), operation: analysis.requests.operation(of: node).map { analysis.names.operation($0, of: service) },
                     style: .parenthesized)
    }
}
