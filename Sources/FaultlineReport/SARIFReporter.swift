import FaultlineYAML
import FaultlineRules

/// SARIF 2.1.0, one run, for GitHub code scanning and other SARIF viewers.
/// Every finding is a result, suppressed ones included (with `suppressions`),
/// and, when a baseline was used, each says whether it is new or unchanged.
/// Keys always come in the same order, so the same input prints the same bytes.
public struct SARIFReporter: Sendable {
    public static let schemaURI = "https://json.schemastore.org/sarif-2.1.0.json"
    public static let version = "2.1.0"
    /// The key of `partialFingerprints`: `Finding.identity` survives moves and
    /// reformatting, so viewers can track a finding across commits.
    public static let fingerprintKey: StaticString = "faultline/v1"

    /// Results per part rendered at once (see `FindingItems`); any size gives the same bytes.
    let partSize: Int

    public init() { partSize = FindingItems.defaultPartSize }

    init(partSize: Int) { self.partSize = max(1, partSize) }

    public func render(_ report: Report) -> String {
        let sink = OutputSink()
        write(report, to: sink)
        return sink.text
    }

    /// Streams the report: the writer's buffer goes to the sink every few
    /// dozen results, so a large report is never held whole.
    public func write(_ report: Report, to sink: OutputSink) {
        var ruleIndex: [String: Int] = [:]
        for (index, rule) in report.rules.enumerated() where ruleIndex[rule.id] == nil { ruleIndex[rule.id] = index }
        let artifacts = Self.artifacts(of: report)

        var json = JSONWriter(capacity: 64 * 1024 + report.rules.count * 2500)
        json.beginObject()
        json.field("$schema", Self.schemaURI)
        json.field("version", Self.version)
        json.key("runs")
        json.beginArray()
        json.beginObject()

        json.key("tool")
        json.beginObject()
        json.key("driver")
        json.beginObject()
        json.field("name", Tool.name)
        json.field("version", Tool.version)
        json.field("semanticVersion", Tool.version)
        json.field("informationUri", Tool.homepage)
        json.key("rules")
        json.beginArray()
        for rule in report.rules { write(rule, to: &json) }
        json.endArray()
        json.endObject()
        json.endObject()

        json.key("artifacts")
        json.beginArray()
        for file in artifacts {
            json.beginObject()
            json.key("location")
            json.beginObject()
            json.field("uri", Self.uri(file))
            json.endObject()
            json.endObject()
        }
        json.endArray()

        json.key("results")
        json.beginArray()
        // Each file's URI made once, not once per finding and suppression.
        let files = FileURIs(artifacts: artifacts)
        let baselineUsed = report.baselineUsed, ruleIndexes = ruleIndex
        FindingItems(partSize: partSize).write(report.findings, insideArrayAtDepth: 4, of: &json, to: sink) { finding, json in
            json.beginObject()
            json.field("ruleId", finding.rule)
            if let index = ruleIndexes[finding.rule] { json.field("ruleIndex", index) }
            json.field("level", Self.level(finding.severity))
            json.key("message")
            json.beginObject()
            json.key("text")
            finding.withMessageBytes { json.value(utf8: $0) }
            json.endObject()
            json.key("locations")
            json.beginArray()
            Self.writeLocation(finding.location, files: files, to: &json)
            json.endArray()
            json.key("partialFingerprints")
            json.beginObject()
            json.field(Self.fingerprintKey, finding.identity)
            json.endObject()
            if let suppression = finding.suppression {
                json.key("suppressions")
                json.beginArray()
                json.beginObject()
                json.field("kind", suppression.kind == .inline ? "inSource" : "external")
                json.field("status", "accepted")
                json.field("justification", suppression.reason)
                json.key("location")
                Self.writeLocation(suppression.location, files: files, to: &json)
                json.endObject()
                json.endArray()
            }
            if baselineUsed, let state = finding.baselineState {
                json.field("baselineState", state.rawValue)
            }
            json.endObject()
        }
        json.endArray()

        json.field("columnKind", "unicodeCodePoints")
        json.endObject()
        json.endArray()
        json.endObject()
        json.drain(into: sink)
        sink.write("\n")
    }

    private func write(_ rule: RuleDescription, to json: inout JSONWriter) {
        let page = Tool.rulesURL + rule.id + ".md"
        json.beginObject()
        json.field("id", rule.id)
        json.field("name", rule.name)
        json.key("shortDescription")
        json.beginObject()
        json.field("text", Self.plainText(rule.summary))
        json.endObject()
        json.key("fullDescription")
        json.beginObject()
        json.field("text", Self.plainText(rule.summary + " " + rule.triggers))
        json.endObject()
        // What GitHub shows as the rule's help: the page without its examples.
        json.key("help")
        json.beginObject()
        json.field("text", Self.plainText("Why it matters: \(rule.rationale)\n\nWhat triggers it: \(rule.triggers)\n\nHow to fix it: \(rule.fix)\n\nExamples and options: \(page)"))
        json.field("markdown", "**\(rule.name)** — \(rule.summary)\n\n## Why it matters\n\n\(rule.rationale)\n\n## What triggers it\n\n\(rule.triggers)\n\n## How to fix it\n\n\(rule.fix)\n\n[The rule's page](\(page)) has examples and options.")
        json.endObject()
        json.field("helpUri", page)
        json.key("defaultConfiguration")
        json.beginObject()
        json.field("level", Self.level(rule.defaultSeverity))
        json.endObject()
        if !rule.thresholds.isEmpty {
            json.key("properties")
            json.beginObject()
            json.key("thresholds")
            json.beginObject()
            for threshold in rule.thresholds { json.key(computed: threshold.key); json.value(threshold.defaultValue) }
            json.endObject()
            json.endObject()
        }
        json.endObject()
    }

    private static func writeLocation(_ location: SourceLocation, files: FileURIs, to json: inout JSONWriter) {
        let file = files[location.fileID]
        json.beginObject()
        json.key("physicalLocation")
        json.beginObject()
        json.key("artifactLocation")
        json.beginObject()
        json.field("uri", file.uri)
        if let index = file.index { json.field("index", index) }
        json.endObject()
        json.key("region")
        json.beginObject()
        json.field("startLine", max(location.line, 1))
        json.field("startColumn", max(location.column, 1))
        json.endObject()
        json.endObject()
        json.endObject()
    }

    /// Each file's URI and place among the artifacts, by the file's number:
    /// found once per file, read once per finding.
    private struct FileURIs: Sendable {
        private var byID: [UInt32: (uri: String, index: Int?)] = [:]

        init(artifacts: [String]) {
            for (index, file) in artifacts.enumerated() {
                let id = FileNames.shared.id(of: file)
                if byID[id] == nil { byID[id] = (SARIFReporter.uri(file), index) }
            }
        }

        subscript(id: UInt32) -> (uri: String, index: Int?) {
            byID[id] ?? (SARIFReporter.uri(FileNames.shared.name(of: id)), nil)
        }
    }

    /// The input files, then any other file a finding or suppression points at
    /// (a configuration file's `ignore:` entry, say), in name order.
    static func artifacts(of report: Report) -> [String] {
        // Compared by the files' numbers: a name is looked up once per file, not once per finding.
        var seen = Set(report.files.map { FileNames.shared.id(of: $0) })
        var extra: [String] = []
        func note(_ location: SourceLocation) {
            if seen.insert(location.fileID).inserted { extra.append(location.file) }
        }
        for finding in report.findings {
            note(finding.location)
            if let suppression = finding.suppression { note(suppression.location) }
        }
        return report.files + extra.sorted()
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: return "error"
        case .warning: return "warning"
        case .note: return "note"
        }
    }

    /// A file path as a relative URI reference: unreserved characters, `/`
    /// and sub-delimiters stay; everything else (spaces, `%`, `:`, `#`, `?`,
    /// non-ASCII bytes) is percent-encoded. `:` is always encoded so that a
    /// first segment like `c:x.yaml` is never read as a scheme.
    public static func uri(_ path: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(path.utf8.count)
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                bytes.append(byte)
            case _ where "-._~/!$&'()*+,;=@".utf8.contains(byte):
                bytes.append(byte)
            default:
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0xF)])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The rules' Markdown as plain text. The descriptions use no Markdown but
    /// code spans, which become quoted the way finding messages quote keys ('timeout:').
    static func plainText(_ markdown: String) -> String {
        String(markdown.map { $0 == "`" ? "'" : $0 })
    }
}
