import FaultlineYAML
public import FaultlineModel
public import FaultlineRules

/// Today's findings, recorded so that a later run fails only on new ones.
/// Findings are matched by `Finding.identity` (rule, subject, operation,
/// target, cycle members), never by position, so moving services around or
/// editing unrelated parts of a file does not make old findings new.
public struct Baseline: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var identity: String
        public var rule: String
        /// The message when recorded, for people reading the file; not matched.
        public var message: String
        /// How many findings share this identity (two calls from A to B, say).
        public var count: Int

        /// As the baseline file and the JSON report's `fixed` list write it.
        func write(into json: inout JSONWriter) {
            json.beginObject()
            json.field("identity", identity)
            json.field("rule", rule)
            json.field("count", count)
            json.field("message", message)
            json.endObject()
        }
    }

    public static let schema = 1
    public var entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries }

    /// Every finding not suppressed, grouped by identity.
    public init(recording findings: [Finding]) {
        var byIdentity: [String: Entry] = [:]
        for finding in findings where finding.suppression == nil {
            byIdentity[finding.identity, default: Entry(identity: finding.identity, rule: finding.rule, message: finding.message, count: 0)].count += 1
        }
        entries = byIdentity.values.sorted { $0.identity < $1.identity }
    }

    /// Marks each unsuppressed finding new or unchanged, and returns the entries
    /// (with their remaining counts) that no finding matched.
    public func apply(to findings: [Finding]) -> (findings: [Finding], fixed: [Entry]) {
        var remaining: [String: Int] = [:]
        for entry in entries { remaining[entry.identity, default: 0] += entry.count }
        var marked = findings
        for index in marked.indices where marked[index].suppression == nil {
            let identity = marked[index].identity
            if let left = remaining[identity], left > 0 {
                remaining[identity] = left - 1
                marked[index].baselineState = .unchanged
            } else {
                marked[index].baselineState = .new
            }
        }
        let fixed = entries.compactMap { entry -> Entry? in
            guard let left = remaining[entry.identity], left > 0 else { return nil }
            remaining[entry.identity] = 0
            var copy = entry
            copy.count = left
            return copy
        }
        return (marked, fixed)
    }

    /// The file `--write-baseline` writes: JSON, one entry per identity, sorted.
    public func rendered() -> String {
        var json = JSONWriter()
        json.beginObject()
        json.field("schema", Baseline.schema)
        json.field("tool", "\(Tool.name) \(Tool.version)")
        json.key("findings")
        json.beginArray()
        for entry in entries { entry.write(into: &json) }
        json.endArray()
        json.endObject()
        return json.text + "\n"
    }

    /// Reads a baseline file (JSON is read by the YAML parser, positions included).
    public static func load(_ file: SourceFile) -> Result<Baseline, LoadFailure> {
        let parsed = file.parse()
        guard let root = parsed.document?.root else {
            let diagnostics = parsed.diagnostics.isEmpty
                ? [Diagnostic("the baseline file is empty; write one with --write-baseline", at: SourceLocation(file: file.name, line: 1, column: 1))]
                : parsed.diagnostics
            return .failure(LoadFailure(diagnostics: diagnostics))
        }
        let reader = NodeReader()
        reader.append(parsed.diagnostics)
        var entries: [Entry] = []
        if let fields = reader.fields(of: root, what: "the baseline", allowed: ["schema", "tool", "findings"]) {
            for (key, _, value) in fields {
                switch key {
                case "schema":
                    if let schema = reader.integer(value, what: "'schema'", in: Int.min...Int.max), schema != Baseline.schema {
                        reader.error("unsupported baseline schema \(schema); this faultline writes and reads schema \(Baseline.schema)", at: value)
                    }
                case "findings":
                    for element in reader.list(value, what: "'findings'") ?? [] {
                        guard let entryFields = reader.fields(of: element, what: "a baseline entry", allowed: ["identity", "rule", "count", "message"]) else { continue }
                        var entry = Entry(identity: "", rule: "", message: "", count: 1)
                        for (entryKey, _, entryValue) in entryFields {
                            switch entryKey {
                            case "identity": entry.identity = reader.string(entryValue, what: "'identity'") ?? ""
                            case "rule": entry.rule = reader.string(entryValue, what: "'rule'") ?? ""
                            case "count": entry.count = reader.integer(entryValue, what: "'count'", in: 1...Int.max) ?? 1
                            case "message": entry.message = reader.string(entryValue, what: "'message'") ?? ""
                            default: break
                            }
                        }
                        if entry.identity.isEmpty {
                            reader.error("a baseline entry needs 'identity'", at: element)
                        } else {
                            entries.append(entry)
                        }
                    }
                default: break
                }
            }
        }
        if !reader.diagnostics.isEmpty { return .failure(LoadFailure(diagnostics: reader.diagnostics.sorted())) }
        return .success(Baseline(entries: entries))
    }
}
