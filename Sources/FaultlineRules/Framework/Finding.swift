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
    /// without moving the (large) findings around for every comparison: ranks
    /// are computed once, positions are sorted, and the findings are gathered
    /// into one array of the exact size.
    public static func sortedInReportOrder(_ findings: [Finding]) -> [Finding] {
        sortedInReportOrder([findings])
    }

    /// The same for findings in several arrays (one per rule), so they never
    /// need concatenating first.
    public static func sortedInReportOrder(_ groups: [[Finding]]) -> [Finding] {
        var files = Set<String>(), rules = Set<String>()
        for group in groups {
            for finding in group { files.insert(finding.location.file); rules.insert(finding.rule) }
        }
        let fileRank = Dictionary(uniqueKeysWithValues: files.sorted().enumerated().map { ($1, $0) })
        let ruleRank = Dictionary(uniqueKeysWithValues: rules.sorted().enumerated().map { ($1, $0) })
        struct Entry { let file, line, column, rule, group, index: Int }
        var entries: [Entry] = []
        entries.reserveCapacity(groups.reduce(0) { $0 + $1.count })
        for (groupIndex, group) in groups.enumerated() {
            for (index, finding) in group.enumerated() {
                entries.append(Entry(file: fileRank[finding.location.file] ?? 0, line: finding.location.line,
                                     column: finding.location.column, rule: ruleRank[finding.rule] ?? 0,
                                     group: groupIndex, index: index))
            }
        }
        entries.sort { a, b in
            if (a.file, a.line, a.column, a.rule) != (b.file, b.line, b.column, b.rule) {
                return (a.file, a.line, a.column, a.rule) < (b.file, b.line, b.column, b.rule)
            }
            let messageA = groups[a.group][a.index].message, messageB = groups[b.group][b.index].message
            return messageA != messageB ? messageA < messageB : (a.group, a.index) < (b.group, b.index)
        }
        return entries.map { groups[$0.group][$0.index] }
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
