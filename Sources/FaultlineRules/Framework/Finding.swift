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
///
/// A value type whose fields live in one shared, copy-on-write box: a large
/// topology has hundreds of thousands of findings, and sorting, suppressing and
/// writing them copies each several times — one retain per copy instead of one
/// per string field.
public struct Finding: Sendable, Hashable {
    private final class Storage: @unchecked Sendable {
        // Mutated only through `Finding`'s setters, after a uniqueness check.
        var rule: String
        var severity: Severity
        var message: String
        var service: String?
        var operation: String?
        var target: String?
        var channel: String?
        var datastore: String?
        var path: [String]?
        var location: SourceLocation
        var suppression: Suppression?
        var baselineState: BaselineState?

        init(rule: String, severity: Severity, message: String, service: String?, operation: String?, target: String?,
             channel: String?, datastore: String?, path: [String]?, location: SourceLocation,
             suppression: Suppression?, baselineState: BaselineState?) {
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
            self.suppression = suppression
            self.baselineState = baselineState
        }

        func copy() -> Storage {
            Storage(rule: rule, severity: severity, message: message, service: service, operation: operation, target: target,
                    channel: channel, datastore: datastore, path: path, location: location,
                    suppression: suppression, baselineState: baselineState)
        }
    }

    private var storage: Storage

    private mutating func unique() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return storage
    }

    public var rule: String {
        get { storage.rule }
        set { unique().rule = newValue }
    }
    public var severity: Severity {
        get { storage.severity }
        set { unique().severity = newValue }
    }
    public var message: String {
        get { storage.message }
        set { unique().message = newValue }
    }
    /// The service the finding sits in; nil for findings on a channel or datastore.
    public var service: String? {
        get { storage.service }
        set { unique().service = newValue }
    }
    public var operation: String? {
        get { storage.operation }
        set { unique().operation = newValue }
    }
    /// The other end of a call or consumer.
    public var target: String? {
        get { storage.target }
        set { unique().target = newValue }
    }
    public var channel: String? {
        get { storage.channel }
        set { unique().channel = newValue }
    }
    public var datastore: String? {
        get { storage.datastore }
        set { unique().datastore = newValue }
    }
    /// Services in order, for a chain or a cycle.
    public var path: [String]? {
        get { storage.path }
        set { unique().path = newValue }
    }
    public var location: SourceLocation {
        get { storage.location }
        set { unique().location = newValue }
    }
    /// Set when an inline comment or a configuration entry suppresses the finding.
    public var suppression: Suppression? {
        get { storage.suppression }
        set { unique().suppression = newValue }
    }
    /// Set when the run compares with a baseline.
    public var baselineState: BaselineState? {
        get { storage.baselineState }
        set { unique().baselineState = newValue }
    }

    public init(rule: String, severity: Severity, message: String, service: String? = nil, operation: String? = nil,
                target: String? = nil, channel: String? = nil, datastore: String? = nil, path: [String]? = nil,
                location: SourceLocation) {
        storage = Storage(rule: rule, severity: severity, message: Finding.exactlySized(message), service: service, operation: operation,
                          target: target, channel: channel, datastore: datastore, path: path, location: location,
                          suppression: nil, baselineState: nil)
    }

    /// An interpolated message grows by doubling and keeps up to twice the
    /// room it needs; a quarter of a million findings make that tens of
    /// megabytes. A copy of exactly the right size costs one short memcpy.
    private static func exactlySized(_ message: String) -> String {
        var message = message
        let count = message.utf8.count
        guard count > 15 else { return message }  // small strings live inline
        return message.withUTF8 { bytes in
            String(unsafeUninitializedCapacity: count) { buffer in
                _ = buffer.initialize(from: bytes)
                return count
            }
        }
    }

    public static func == (lhs: Finding, rhs: Finding) -> Bool {
        if lhs.storage === rhs.storage { return true }
        let a = lhs.storage, b = rhs.storage
        return a.rule == b.rule && a.severity == b.severity && a.message == b.message && a.service == b.service
            && a.operation == b.operation && a.target == b.target && a.channel == b.channel && a.datastore == b.datastore
            && a.path == b.path && a.location == b.location && a.suppression == b.suppression && a.baselineState == b.baselineState
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.rule)
        hasher.combine(storage.message)
        hasher.combine(storage.location)
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
