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
        /// UTF-8. Kept as bytes: turning each of hundreds of thousands of
        /// messages into a `String` costs a validation pass that only the
        /// text formats need; the JSON report copies the bytes as they are.
        var message: [UInt8]
        var service: String?
        var operation: String?
        var target: String?
        var channel: String?
        var datastore: String?
        var path: [String]?
        var location: SourceLocation
        var suppression: Suppression?
        var baselineState: BaselineState?

        init(rule: String, severity: Severity, message: [UInt8], service: String?, operation: String?, target: String?,
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
        get { String(decoding: storage.message, as: UTF8.self) }
        set { unique().message = Array(newValue.utf8) }
    }

    /// The message's UTF-8 bytes, without making a `String` of them.
    public func withMessageBytes<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        storage.message.withUnsafeBufferPointer(body)
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
        self.init(rule: rule, severity: severity, messageBytes: Array(message.utf8), service: service, operation: operation,
                  target: target, channel: channel, datastore: datastore, path: path, location: location)
    }

    init(rule: String, severity: Severity, messageBytes message: [UInt8], service: String?, operation: String?,
         target: String?, channel: String?, datastore: String?, path: [String]?, location: SourceLocation) {
        storage = Storage(rule: rule, severity: severity, message: message, service: service, operation: operation,
                          target: target, channel: channel, datastore: datastore, path: path, location: location,
                          suppression: nil, baselineState: nil)
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
            var lastFile: String?, lastRule: String?
            for finding in group {
                let file = finding.location.file
                if file != lastFile { files.insert(file); lastFile = file }
                if finding.rule != lastRule { rules.insert(finding.rule); lastRule = finding.rule }
            }
        }
        let fileRank = Dictionary(uniqueKeysWithValues: files.sorted().enumerated().map { ($1, $0) })
        let ruleRank = Dictionary(uniqueKeysWithValues: rules.sorted().enumerated().map { ($1, $0) })
        // Position and rule packed into two integers, so most comparisons are two integer compares.
        struct Entry { let fileAndLine, columnAndRule: UInt64; let group, index: Int32 }
        var entries: [Entry] = []
        entries.reserveCapacity(groups.reduce(0) { $0 + $1.count })
        // Findings come in runs of one file and one rule: look each up once per run, not per finding.
        var lastFile: (name: String, rank: UInt64)?, lastRule: (name: String, rank: UInt64)?
        for (groupIndex, group) in groups.enumerated() {
            for (index, finding) in group.enumerated() {
                let location = finding.location
                let file: UInt64
                if let lastFile, lastFile.name == location.file { file = lastFile.rank } else {
                    file = UInt64(fileRank[location.file] ?? 0)
                    lastFile = (location.file, file)
                }
                let rule: UInt64
                if let lastRule, lastRule.name == finding.rule { rule = lastRule.rank } else {
                    rule = UInt64(ruleRank[finding.rule] ?? 0)
                    lastRule = (finding.rule, rule)
                }
                entries.append(Entry(fileAndLine: file << 32 | UInt64(UInt32(clamping: location.line)),
                                     columnAndRule: UInt64(UInt32(clamping: location.column)) << 32 | rule,
                                     group: Int32(groupIndex), index: Int32(index)))
            }
        }
        entries.sort { a, b in
            if a.fileAndLine != b.fileAndLine { return a.fileAndLine < b.fileAndLine }
            if a.columnAndRule != b.columnAndRule { return a.columnAndRule < b.columnAndRule }
            let messageA = groups[Int(a.group)][Int(a.index)].message, messageB = groups[Int(b.group)][Int(b.index)].message
            return messageA != messageB ? messageA < messageB : (a.group, a.index) < (b.group, b.index)
        }
        return entries.map { groups[Int($0.group)][Int($0.index)] }
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
