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
    /// Set when an inline comment or a configuration entry suppresses the finding.
    public var suppression: Suppression?
    /// Set when the run compares with a baseline.
    public var baselineState: BaselineState?

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

    /// Counts for the exit status and the severity totals: neither suppressed nor in the baseline.
    public var isActive: Bool { suppression == nil && baselineState != .unchanged }

    /// What the finding is about, independent of where it is written: rule,
    /// subject, operation, target, and for cycles the set of members. It
    /// survives moving services around, reformatting and unrelated edits.
    public var identity: String {
        let subject = service.map { "service=\($0)" } ?? channel.map { "channel=\($0)" } ?? datastore.map { "datastore=\($0)" } ?? ""
        var parts = [rule, subject]
        if let operation { parts.append("operation=\(operation)") }
        if let target { parts.append("target=\(target)") }
        if rule == "distributed-monolith-cycle", let path { parts.append("members=" + Set(path).sorted().joined(separator: ",")) }
        return parts.joined(separator: " ")
    }

    /// Sorts into the report order — file, line, column, rule id, then message —
    /// without moving the (large) findings around
    /// for every comparison: ranks are computed once, indices are sorted,
    /// and the findings are gathered in one pass.
    public static func sortedInReportOrder(_ findings: [Finding]) -> [Finding] {
        guard findings.count > 1 else { return findings }
        let files = Set(findings.map(\.location.file)).sorted()
        let fileRank = Dictionary(uniqueKeysWithValues: files.enumerated().map { ($1, $0) })
        let rules = Set(findings.map(\.rule)).sorted()
        let ruleRank = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1, $0) })
        let keys = findings.map { finding -> (Int, Int, Int, Int) in
            (fileRank[finding.location.file] ?? 0, finding.location.line, finding.location.column, ruleRank[finding.rule] ?? 0)
        }
        let order = findings.indices.sorted { lhs, rhs in
            let a = keys[lhs], b = keys[rhs]
            if a != b { return a < b }
            let messageA = findings[lhs].message, messageB = findings[rhs].message
            return messageA != messageB ? messageA < messageB : lhs < rhs
        }
        return order.map { findings[$0] }
    }
}

/// Why a finding is not counted: a deliberate, documented exception.
public struct Suppression: Sendable, Hashable {
    public enum Kind: String, Sendable { case inline, configuration }

    public let kind: Kind
    public let reason: String
    /// The comment, or the configuration entry, that suppresses it.
    public let location: SourceLocation

    public init(kind: Kind, reason: String, location: SourceLocation) {
        self.kind = kind
        self.reason = reason
        self.location = location
    }
}

/// Whether a finding was already in the baseline (SARIF's `baselineState` names).
public enum BaselineState: String, Sendable {
    case new, unchanged
}
