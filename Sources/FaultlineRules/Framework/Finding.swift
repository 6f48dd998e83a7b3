public import FaultlineYAML

public enum Severity: String, Sendable, CaseIterable, Comparable {
    case note, warning, error

    private var rank: Int {
        switch self {
        case .note: return 0
        case .warning: return 1
        case .error: return 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// One problem a rule found, and where it sits.
public struct Finding: Sendable, Hashable {
    public var rule: String
    public var severity: Severity
    public var message: String
    /// The service the finding sits in; nil for findings on a channel or datastore.
    public var service: String?
    public var operation: String?
    /// The other end of a call or consumer.
    public var target: String?
    public var channel: String?
    public var datastore: String?
    /// Services in order, for a chain or a cycle.
    public var path: [String]?
    public var location: SourceLocation

    public init(rule: String, severity: Severity, message: String, service: String? = nil, operation: String? = nil,
                target: String? = nil, channel: String? = nil, datastore: String? = nil, path: [String]? = nil,
                location: SourceLocation) {
        self.rule = rule
        self.severity = severity
        self.message = message
        self.service = service
        self.operation = operation
        self.target = target
        self.channel = channel
        self.datastore = datastore
        self.path = path
        self.location = location
    }

    /// The report order: file, line, column, rule id; the message breaks what ties remain.
    public static func reportOrder(_ lhs: Finding, _ rhs: Finding) -> Bool {
        if lhs.location != rhs.location { return lhs.location < rhs.location }
        if lhs.rule != rhs.rule { return lhs.rule < rhs.rule }
        return lhs.message < rhs.message
    }
}
