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
/// A value type whose fields live in one shared, copy-on-write allocation: a
/// large topology has hundreds of thousands of findings, and sorting,
/// suppressing and writing them copies each several times — one retain per
/// copy instead of one per string field. The message's bytes live in the same
/// allocation, after the fields — or, for the rules that report in bulk,
/// what the message is about, which the rule's `MessageSource` makes the
/// text from when it is read — and so do the service, operation and target
/// names, as UTF-8 after the message; the rarely set fields (channel,
/// datastore, path, suppression) share one box: together that is a third less
/// memory per finding than separate objects.
///
/// The names are copied, not shared: a `String` name is one object that the
/// findings of every rule about that service share, and each copy of it —
/// as the rules make findings on both cores, as the report reads them on
/// both cores — writes its reference count, one cache line the two cores
/// take from each other (`swift_retain` was 5 % of a run's CPU samples at
/// 50 000 services, the findings' names its largest callers). Reading a
/// name here writes nothing.
///
/// Sendable by hand: the storage is shared between copies only while nobody
/// writes (every setter copies first unless the storage is unique), and the
/// standard library does not let a `ManagedBuffer` subclass say so itself.
public struct Finding: @unchecked Sendable, Hashable {
    fileprivate struct Fields {
        var rule: String
        var severity: Severity
        var baselineState: BaselineState?
        /// The UTF-8 message is the allocation's `messageCount` elements;
        /// with a `source`, they hold the subject and detail it makes the
        /// message from instead (see `MessageSource`).
        var messageCount: Int
        var source: MessageSource?
        /// The names' byte counts; they follow the message in the allocation.
        var names: NameCounts
        var location: SourceLocation
        /// Channel, datastore, path and suppression: most findings have none of them.
        var rare: Rare?
    }

    /// The names a finding is about, each `nil` or its UTF-8.
    public enum Name: Int, Sendable, CaseIterable {
        case service, operation, target
    }

    /// Byte counts of the service, operation and target names, in that
    /// order after the message; -1 for a name the finding does not have.
    struct NameCounts: Equatable {
        var counts: (Int32, Int32, Int32)

        var byteCount: Int { Int(max(counts.0, 0)) + Int(max(counts.1, 0)) + Int(max(counts.2, 0)) }

        static func == (lhs: NameCounts, rhs: NameCounts) -> Bool { lhs.counts == rhs.counts }
    }

    /// The three names' bytes while a finding is made.
    struct NameBytes {
        var service: UnsafeBufferPointer<UInt8>?
        var operation: UnsafeBufferPointer<UInt8>?
        var target: UnsafeBufferPointer<UInt8>?

        var counts: NameCounts {
            NameCounts(counts: (service.map { Int32($0.count) } ?? -1, operation.map { Int32($0.count) } ?? -1,
                                target.map { Int32($0.count) } ?? -1))
        }

        /// The bytes of three `String` names, borrowed for `body`.
        static func borrowing<T>(_ service: String?, _ operation: String?, _ target: String?, _ body: (NameBytes) -> T) -> T {
            withBytes(of: service) { service in
                withBytes(of: operation) { operation in
                    withBytes(of: target) { target in body(NameBytes(service: service, operation: operation, target: target)) }
                }
            }
        }

        private static func withBytes<T>(of name: String?, _ body: (UnsafeBufferPointer<UInt8>?) -> T) -> T {
            guard let name else { return body(nil) }
            return name.withUTF8InPlace { body($0) }
        }
    }

    fileprivate struct RareFields {
        var channel: String?
        var datastore: String?
        var path: [String]?
        var suppression: Suppression?

        var isEmpty: Bool { channel == nil && datastore == nil && path == nil && suppression == nil }
    }

    /// Made only when one of its fields is set.
    fileprivate final class Rare: Sendable {
        let fields: RareFields
        init(_ fields: RareFields) { self.fields = fields }
    }

    /// Mutated only through `Finding`'s setters, after a uniqueness check.
    private final class Storage: ManagedBuffer<Fields, UInt8> {
        static func make(_ fields: Fields, message: UnsafeBufferPointer<UInt8>, names: NameBytes) -> Storage {
            make(message: message, names: names) { _, _ in fields }
        }

        /// `header` makes the fields in place: made first and then copied
        /// in, the rule's name and the message source would be retained and
        /// released twice more.
        static func make(message: UnsafeBufferPointer<UInt8>, names: NameBytes,
                         header: (_ messageCount: Int, _ names: NameCounts) -> Fields) -> Storage {
            let counts = names.counts
            let buffer = Storage.create(minimumCapacity: message.count + counts.byteCount) { _ in
                var fields = header(message.count, counts)
                fields.messageCount = message.count
                fields.names = counts
                return fields
            }
            buffer.withUnsafeMutablePointerToElements { elements in
                var end = elements
                for part in [message, names.service, names.operation, names.target] {
                    guard let part, let source = part.baseAddress else { continue }
                    end.initialize(from: source, count: part.count)
                    end += part.count
                }
            }
            return unsafeDowncast(buffer, to: Storage.self)
        }

        /// `name`'s bytes, valid while the storage lives; nil when the finding has none.
        func bytes(of name: Name) -> UnsafeBufferPointer<UInt8>? {
            switch name {
            case .service: return names.service
            case .operation: return names.operation
            case .target: return names.target
            }
        }

        /// The three names' bytes, valid while the storage lives.
        var names: NameBytes {
            let (messageCount, counts) = withUnsafeMutablePointerToHeader { ($0.pointee.messageCount, $0.pointee.names.counts) }
            return withUnsafeMutablePointerToElements { elements in
                var next = elements + messageCount
                func take(_ count: Int32) -> UnsafeBufferPointer<UInt8>? {
                    guard count >= 0 else { return nil }
                    defer { next += Int(count) }
                    return UnsafeBufferPointer(start: next, count: Int(count))
                }
                return NameBytes(service: take(counts.0), operation: take(counts.1), target: take(counts.2))
            }
        }

        /// Messages are kept as bytes: turning each of hundreds of thousands
        /// into a `String` costs a validation pass that only the text formats
        /// need; the JSON report copies the bytes as they are. A message
        /// with a source is made here, each time it is read.
        func withMessage<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
            // The source is read without retaining it: the findings of a rule
            // share one, and the report reads them on every core at once
            // (one reference count written by all of them). This finding
            // holds it for as long as the call lasts.
            let (count, source) = withUnsafeMutablePointerToHeader { header in
                (header.pointee.messageCount,
                 UnsafeRawPointer(header).load(fromByteOffset: Storage.sourceOffset, as: UnsafeRawPointer?.self))
            }
            guard let source else {
                return withUnsafeMutablePointerToElements { body(UnsafeBufferPointer(start: $0, count: count)) }
            }
            let subject = withUnsafeMutablePointerToElements { MessageSource.Subject(stored: UnsafeRawPointer($0)) }
            return Unmanaged<MessageSource>.fromOpaque(source)._withUnsafeGuaranteedRef { $0.message(subject) }.withBytes(body)
        }

        /// Where `Fields.source` is in the header.
        private static let sourceOffset: Int = {
            guard let offset = MemoryLayout<Fields>.offset(of: \Fields.source) else { preconditionFailure("Fields.source is a stored property") }
            return offset
        }()

        /// A copy to change; a new message replaces the source, a new name the old one.
        func copy(message: [UInt8]? = nil, replacing name: Name? = nil, with text: String? = nil) -> Storage {
            var names = self.names
            // Kept alive until the copy is made.
            let replacement = Array((text ?? "").utf8)
            return replacement.withUnsafeBufferPointer { replacement in
                switch name {
                case .service?: names.service = text == nil ? nil : replacement
                case .operation?: names.operation = text == nil ? nil : replacement
                case .target?: names.target = text == nil ? nil : replacement
                case nil: break
                }
                if let message {
                    var fields = header
                    fields.source = nil
                    return message.withUnsafeBufferPointer { Storage.make(fields, message: $0, names: names) }
                }
                return withUnsafeMutablePointerToElements { elements in
                    Storage.make(header, message: UnsafeBufferPointer(start: elements, count: header.messageCount), names: names)
                }
            }
        }
    }

    // Getters read one field through the header pointer: `storage.header.x`
    // would copy every field (and retain every string) first.
    private var storage: Storage

    private mutating func unique() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return storage
    }

    private mutating func updateRare(_ change: (inout RareFields) -> Void) {
        var fields = storage.withUnsafeMutablePointerToHeader { $0.pointee.rare }?.fields ?? RareFields()
        change(&fields)
        unique().header.rare = fields.isEmpty ? nil : Rare(fields)
    }

    public var rule: String {
        get { storage.withUnsafeMutablePointerToHeader { $0.pointee.rule } }
        set { unique().header.rule = newValue }
    }
    public var severity: Severity {
        get { storage.withUnsafeMutablePointerToHeader { $0.pointee.severity } }
        set { unique().header.severity = newValue }
    }
    public var message: String {
        get { storage.withMessage { String(decoding: $0, as: UTF8.self) } }
        set { storage = storage.copy(message: Array(newValue.utf8)) }
    }

    /// The message's UTF-8 bytes, without making a `String` of them.
    public func withMessageBytes<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        storage.withMessage(body)
    }

    /// The service the finding sits in; nil for findings on a channel or datastore.
    public var service: String? {
        get { text(of: .service) }
        set { storage = storage.copy(replacing: .service, with: newValue) }
    }
    public var operation: String? {
        get { text(of: .operation) }
        set { storage = storage.copy(replacing: .operation, with: newValue) }
    }
    /// The other end of a call or consumer.
    public var target: String? {
        get { text(of: .target) }
        set { storage = storage.copy(replacing: .target, with: newValue) }
    }

    private func text(of name: Name) -> String? {
        withNameBytes(name) { $0.map { String(decoding: $0, as: UTF8.self) } }
    }

    /// `name`'s UTF-8 bytes (nil when the finding has no such name), without making a `String` of them.
    public func withNameBytes<T>(_ name: Name, _ body: (UnsafeBufferPointer<UInt8>?) -> T) -> T {
        withExtendedLifetime(storage) { body(storage.bytes(of: name)) }
    }

    /// The service, operation and target names' UTF-8 bytes at once, for a
    /// report that writes each finding (not generic: a reporter in another
    /// module calls it without a specialized copy).
    public func withNameBytes(_ body: (_ service: UnsafeBufferPointer<UInt8>?, _ operation: UnsafeBufferPointer<UInt8>?,
                                       _ target: UnsafeBufferPointer<UInt8>?) -> Void) {
        let names = storage.names
        withExtendedLifetime(storage) { body(names.service, names.operation, names.target) }
    }
    public var channel: String? {
        get { storage.withUnsafeMutablePointerToHeader { $0.pointee.rare }?.fields.channel }
        set { updateRare { $0.channel = newValue } }
    }
    public var datastore: String? {
        get { storage.withUnsafeMutablePointerToHeader { $0.pointee.rare }?.fields.datastore }
        set { updateRare { $0.datastore = newValue } }
    }
    /// Services in order, for a chain or a cycle.
    public var path: [String]? {
        get { storage.withUnsafeMutablePointerToHeader { $0.pointee.rare }?.fields.path }
        set { updateRare { $0.path = newValue } }
    }
    public var location: SourceLocation {
        get { storage.withUnsafeMutablePointerToHeader { $0.pointee.location } }
        set { unique().header.location = newValue }
    }
    /// Set when an inline comment or a configuration entry suppresses the finding.
    public var suppression: Suppression? {
        get { storage.withUnsafeMutablePointerToHeader { $0.pointee.rare }?.fields.suppression }
        set { updateRare { $0.suppression = newValue } }
    }
    /// Set when the run compares with a baseline.
    public var baselineState: BaselineState? {
        get { storage.withUnsafeMutablePointerToHeader { $0.pointee.baselineState } }
        set { unique().header.baselineState = newValue }
    }

    public init(rule: String, severity: Severity, message: String, service: String? = nil, operation: String? = nil,
                target: String? = nil, channel: String? = nil, datastore: String? = nil, path: [String]? = nil,
                location: SourceLocation) {
        self = message.withUTF8InPlace { message in
            NameBytes.borrowing(service, operation, target) { names in
                Finding(rule: rule, severity: severity, messageBytes: message, names: names, channel: channel, datastore: datastore,
                        path: path, location: location)
            }
        }
    }

    init(rule: String, severity: Severity, messageBytes message: UnsafeBufferPointer<UInt8>, names: NameBytes,
         channel: String?, datastore: String?, path: [String]?, location: SourceLocation) {
        let rare = channel == nil && datastore == nil && path == nil ? nil : Rare(RareFields(channel: channel, datastore: datastore, path: path))
        storage = Storage.make(message: message, names: names) { count, counts in
            Fields(rule: rule, severity: severity, baselineState: nil, messageCount: count, source: nil, names: counts,
                   location: location, rare: rare)
        }
    }

    /// A finding whose message `source` makes from `subject` when it is read
    /// (see `MessageSource`); otherwise the same as one made with its text.
    public init(rule: String, severity: Severity, source: MessageSource, subject: MessageSource.Subject, service: String?,
                operation: String?, target: String?, location: SourceLocation) {
        self = NameBytes.borrowing(service, operation, target) { names in
            Finding(rule: rule, severity: severity, source: source, subject: subject, names: names, location: location)
        }
    }

    init(rule: String, severity: Severity, source: MessageSource, subject: MessageSource.Subject, names: NameBytes,
         location: SourceLocation) {
        storage = subject.withStoredBytes { stored in
            Storage.make(message: stored, names: names) { count, counts in
                Fields(rule: rule, severity: severity, baselineState: nil, messageCount: count, source: source, names: counts,
                       location: location, rare: nil)
            }
        }
    }

    public static func == (lhs: Finding, rhs: Finding) -> Bool {
        if lhs.storage === rhs.storage { return true }
        let a = lhs.storage.header, b = rhs.storage.header
        let sameMessage = lhs.withMessageBytes { x in rhs.withMessageBytes { y in x.elementsEqual(y) } }
        let x = lhs.storage.names, y = rhs.storage.names
        let sameNames = a.names == b.names && sameBytes(x.service, y.service) && sameBytes(x.operation, y.operation)
            && sameBytes(x.target, y.target)
        return a.rule == b.rule && a.severity == b.severity && sameMessage && sameNames && lhs.channel == rhs.channel
            && lhs.datastore == rhs.datastore && lhs.path == rhs.path && a.location == b.location
            && lhs.suppression == rhs.suppression && a.baselineState == b.baselineState
    }

    private static func sameBytes(_ x: UnsafeBufferPointer<UInt8>?, _ y: UnsafeBufferPointer<UInt8>?) -> Bool {
        switch (x, y) {
        case (nil, nil): return true
        case let (x?, y?): return x.elementsEqual(y)
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(rule)
        withMessageBytes { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        hasher.combine(location)
    }

    /// Findings as a report counts them: active ones by severity, then the
    /// suppressed and the baselined.
    public struct Counts: Sendable, Equatable {
        public var error = 0, warning = 0, note = 0, suppressed = 0, baselined = 0

        public init() {}

        mutating func add(_ finding: Finding) {
            let standing = finding.standing
            if standing.isSuppressed {
                suppressed += 1
            } else if standing.baselineState == .unchanged {
                baselined += 1
            } else {
                switch standing.severity {
                case .error: error += 1
                case .warning: warning += 1
                case .note: note += 1
                }
            }
        }

        static func + (lhs: Counts, rhs: Counts) -> Counts {
            var sum = lhs
            sum.error += rhs.error
            sum.warning += rhs.warning
            sum.note += rhs.note
            sum.suppressed += rhs.suppressed
            sum.baselined += rhs.baselined
            return sum
        }

        /// Every finding's storage is a separate allocation, and reading them
        /// in turn is mostly waiting on memory: many are counted in two halves
        /// side by side.
        public static func of(_ findings: [Finding]) -> Counts {
            let halves = findings.count < splitFrom ? [findings.indices] : [0..<findings.count / 2, findings.count / 2..<findings.count]
            return concurrentMap(halves.count) { half in
                var counts = Counts()
                for index in halves[half] { counts.add(findings[index]) }
                return counts
            }.reduce(Counts(), +)
        }
    }

    /// Severity, suppression and baseline state in one read of the storage, for counting.
    public var standing: (severity: Severity, isSuppressed: Bool, baselineState: BaselineState?) {
        storage.withUnsafeMutablePointerToHeader { header in
            (header.pointee.severity, header.pointee.rare?.fields.suppression != nil, header.pointee.baselineState)
        }
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
        var groups = [findings]
        return sortedInReportOrder(releasing: &groups)
    }

    /// The same for findings in several arrays (one per rule), in that order
    /// where everything else ties.
    public static func sortedInReportOrder(_ groups: [[Finding]]) -> [Finding] {
        var groups = groups
        return sortedInReportOrder(releasing: &groups)
    }

    /// The same, emptying `groups`. The findings are moved, not copied: a
    /// copy retains each finding and emptying the groups releases each
    /// again, two writes to every one of a quarter of a million separate
    /// allocations, mostly waiting on memory. A large report is moved,
    /// ranked, sorted and gathered in two parts side by side.
    public static func sortedInReportOrder(releasing groups: inout [[Finding]]) -> [Finding] {
        var counts = Counts()
        return sortedInReportOrder(releasing: &groups, counting: &counts)
    }

    /// The same, with the findings counted as a report counts them (`Counts`)
    /// on the way: the ranking reads each finding's storage anyway, and a
    /// second pass over a quarter of a million of them is cache misses.
    public static func sortedInReportOrder(releasing groups: inout [[Finding]], counting counts: inout Counts) -> [Finding] {
        let total = groups.reduce(0) { $0 + $1.count }
        let parts = halves(of: groups, total: total)
        let groupStarts = groups.reduce(into: [0]) { $0.append($0[$0.count - 1] + $1.count) }
        // Every finding moved into one buffer, in group order. Each group is
        // left holding copies of its first finding, so it is freed as usual
        // (copies of one finding are one hot reference count, not a cold one each).
        let all = UnsafeMutableBufferPointer<Finding>.allocate(capacity: max(total, 1))
        defer { all.deallocate() }
        guard let allBase = all.baseAddress else { return [] }
        groups.withUnsafeMutableBufferPointer { outer in
            _ = concurrentMap(parts.count) { part in
                for group in parts[part] {
                    outer[group].withUnsafeMutableBufferPointer { source in
                        guard let base = source.baseAddress, !source.isEmpty else { return }
                        let placeholder = source[0]
                        (allBase + groupStarts[group]).moveInitialize(from: base, count: source.count)
                        base.initialize(repeating: placeholder, count: source.count)
                    }
                    outer[group] = []
                }
            }
        }
        groups = []
        let partRanges = parts.map { groupStarts[$0.lowerBound]..<groupStarts[$0.upperBound] }

        // Position and rule packed into two integers, so most comparisons are
        // two integer compares; then the message; then the place in `all`
        // (group order, and order within the group). Each finding's storage
        // is read once: the entries take the file's number and a number for
        // the rule within its part first, and are ranked in a second pass
        // over the entries alone, once every part's files and rules are known.
        struct Entry { var fileAndLine, columnAndRule: UInt64; let position: Int }
        var seen: [(counts: Counts, files: Set<UInt32>, rules: [String])] = []
        var entries = [Entry](unsafeUninitializedCapacity: total) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            seen = concurrentMap(partRanges.count) { part in
                // Findings come in runs of one file and one rule: look each up once per run, not per finding.
                var files = Set<UInt32>(), rules: [String] = [], ruleNumbers: [String: UInt64] = [:]
                var lastFile: UInt32?, lastRule: (name: String, number: UInt64)?
                var counts = Counts()
                for position in partRanges[part] {
                    let finding = allBase + position
                    counts.add(finding.pointee)
                    let location = finding.pointee.location
                    if location.fileID != lastFile {
                        files.insert(location.fileID)
                        lastFile = location.fileID
                    }
                    let rule: UInt64
                    let name = finding.pointee.rule
                    if let lastRule, lastRule.name == name { rule = lastRule.number } else {
                        if let known = ruleNumbers[name] { rule = known } else {
                            rule = UInt64(rules.count)
                            ruleNumbers[name] = rule
                            rules.append(name)
                        }
                        lastRule = (name, rule)
                    }
                    (base + position).initialize(to: Entry(fileAndLine: UInt64(location.fileID) << 32 | UInt64(UInt32(clamping: location.line)),
                                                           columnAndRule: UInt64(UInt32(clamping: location.column)) << 32 | rule,
                                                           position: position))
                }
                return (counts, files, rules)
            }
            initialized = total
        }
        let files = seen.reduce(into: Set<UInt32>()) { $0.formUnion($1.files) }
        let fileNames: [UInt32: String] = Dictionary(uniqueKeysWithValues: files.map { ($0, FileNames.shared.name(of: $0)) })
        let filesInOrder = files.sorted { (fileNames[$0] ?? "") < (fileNames[$1] ?? "") }
        var fileRank: [UInt32: UInt64] = [:]
        for (rank, file) in filesInOrder.enumerated() { fileRank[file] = UInt64(rank) }
        var ruleRank: [String: UInt64] = [:]
        for (rank, rule) in Set(seen.flatMap { $0.rules }).sorted().enumerated() { ruleRank[rule] = UInt64(rank) }
        // Each part's rule numbers as ranks, and each file's number as its rank.
        let partRuleRanks: [[UInt64]] = seen.map { part in part.rules.map { ruleRank[$0] ?? 0 } }
        entries.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            _ = concurrentMap(partRanges.count) { part in
                let ruleRanks = partRuleRanks[part]
                var lastFile: (id: UInt64, rank: UInt64)?
                for position in partRanges[part] {
                    let entry = base + position
                    let file = entry.pointee.fileAndLine >> 32, rule = Int(entry.pointee.columnAndRule & 0xFFFF_FFFF)
                    let rank: UInt64
                    if let lastFile, lastFile.id == file { rank = lastFile.rank } else {
                        rank = fileRank[UInt32(file)] ?? 0
                        lastFile = (file, rank)
                    }
                    entry.pointee.fileAndLine = rank << 32 | (entry.pointee.fileAndLine & 0xFFFF_FFFF)
                    entry.pointee.columnAndRule = (entry.pointee.columnAndRule & ~0xFFFF_FFFF) | ruleRanks[rule]
                }
            }
        }
        let partCounts = seen.map(\.counts)
        counts = partCounts.reduce(Counts(), +)
        let inOrder = { (a: Entry, b: Entry) -> Bool in
            if a.fileAndLine != b.fileAndLine { return a.fileAndLine < b.fileAndLine }
            if a.columnAndRule != b.columnAndRule { return a.columnAndRule < b.columnAndRule }
            let messageA = allBase[a.position].message, messageB = allBase[b.position].message
            return messageA != messageB ? messageA < messageB : a.position < b.position
        }
        guard total >= splitFrom else {
            entries.sort(by: inOrder)
            return [Finding](unsafeUninitializedCapacity: total) { output, initialized in
                guard let base = output.baseAddress else { return }
                for (index, entry) in entries.enumerated() { (base + index).moveInitialize(from: allBase + entry.position, count: 1) }
                initialized = total
            }
        }
        // Each half sorted in place, side by side; then each core merges its
        // half of the output straight from the two sorted runs. No two
        // entries tie (the position decides last), so this is the order one
        // sort gives, and no merged copy of the entries is made: the sort is
        // when memory peaks.
        let middle = total / 2
        entries.withUnsafeMutableBufferPointer { buffer in
            _ = concurrentMap(2) { half in
                var sorted = UnsafeMutableBufferPointer(rebasing: half == 0 ? buffer[..<middle] : buffer[middle...])
                sorted.sort(by: inOrder)
            }
        }
        return entries.withUnsafeBufferPointer { buffer in
            let first = UnsafeBufferPointer(rebasing: buffer[..<middle]), second = UnsafeBufferPointer(rebasing: buffer[middle...])
            let split = mergeSplit(first, second, taking: middle, by: inOrder)
            return [Finding](unsafeUninitializedCapacity: total) { output, initialized in
                guard let base = output.baseAddress else { return }
                _ = concurrentMap(2) { half in
                    var (i, j) = half == 0 ? (0, 0) : split
                    let (endI, endJ) = half == 0 ? split : (first.count, second.count)
                    var position = half == 0 ? 0 : middle
                    while i < endI || j < endJ {
                        let entry: Entry
                        if j == endJ || (i < endI && !inOrder(second[j], first[i])) {
                            entry = first[i]
                            i += 1
                        } else {
                            entry = second[j]
                            j += 1
                        }
                        (base + position).moveInitialize(from: allBase + entry.position, count: 1)
                        position += 1
                    }
                }
                initialized = total
            }
        }
    }

    /// From this many findings on, the work over all of them (sorting,
    /// counting) is shared between two cores; below, a second thread costs
    /// more than it saves.
    public static let splitFrom = 20_000

    /// The groups in one part, or in two where their running count passes
    /// half when there are enough findings to share between two cores.
    private static func halves(of groups: [[Finding]], total: Int) -> [Range<Int>] {
        guard total >= splitFrom else { return [0..<groups.count] }
        var split = 0, running = 0
        while split < groups.count, running + groups[split].count <= total / 2 {
            running += groups[split].count
            split += 1
        }
        return [0..<split, split..<groups.count]
    }

    /// How many of the first `count` elements of the merge of two sorted
    /// runs come from each run: where two cores can each merge their half.
    static func mergeSplit<Element>(_ first: UnsafeBufferPointer<Element>, _ second: UnsafeBufferPointer<Element>, taking count: Int,
                                    by inOrder: (Element, Element) -> Bool) -> (Int, Int) {
        var low = max(0, count - second.count), high = min(count, first.count)
        while true {
            let i = (low + high) / 2, j = count - i
            if i > 0, j < second.count, inOrder(second[j], first[i - 1]) {
                high = i - 1
            } else if i < first.count, j > 0, inOrder(first[i], second[j - 1]) {
                low = i + 1
            } else {
                return (i, j)
            }
        }
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
