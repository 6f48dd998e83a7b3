import FaultlineRules
import Dispatch

/// The JSON report of `report-format.md`, schema 1. Keys always come in the
/// same order; absent fields of a finding are left out.
public struct JSONReporter: Sendable {
    public static let schema = 1

    /// Findings per part of the array rendered at once (see `FindingItems`);
    /// any size gives the same bytes.
    let partSize: Int

    public init() { partSize = FindingItems.defaultPartSize }

    init(partSize: Int) { self.partSize = max(1, partSize) }

    public func render(_ report: Report) -> String {
        let sink = OutputSink()
        write(report, to: sink)
        return sink.text
    }

    /// Streams the report: the findings are rendered in parts and each part
    /// goes to the sink as soon as its round is done.
    public func write(_ report: Report, to sink: OutputSink) {
        var json = JSONWriter(capacity: 64 * 1024)
        json.beginObject()
        json.field("schema", JSONReporter.schema)
        json.key("tool")
        json.beginObject()
        json.field("name", Tool.name)
        json.field("version", Tool.version)
        json.endObject()
        json.field("system", report.system)
        json.key("files")
        json.beginArray()
        for file in report.files { json.value(file) }
        json.endArray()
        json.key("summary")
        json.beginObject()
        json.field("services", report.serviceCount)
        json.field("calls", report.callCount)
        json.field("channels", report.channelCount)
        json.field("error", report.count(.error))
        json.field("warning", report.count(.warning))
        json.field("note", report.count(.note))
        json.field("suppressed", report.suppressedCount)
        json.field("baselined", report.baselinedCount)
        json.field("fixed", report.fixedCount)
        json.endObject()
        json.key("findings")
        json.beginArray()
        // The report's bulk: rendered in parts on every core (see `FindingItems`).
        FindingItems(partSize: partSize).write(report.findings, insideArrayAtDepth: 2, of: &json, to: sink) { finding, json in
            JSONReporter.write(finding, to: &json)
        }
        json.endArray()
        if report.baselineUsed {
            json.key("fixed")
            json.beginArray()
            for entry in report.fixed { entry.write(into: &json) }
            json.endArray()
        }
        json.endObject()
        json.drain(into: sink)
        sink.write("\n")
    }

    /// A finding's keys, prepared for the findings array (depth 2 of the report).
    private enum FindingKey {
        static let rule = PreparedKey("rule", inObjectInArrayAtDepth: 2)
        static let severity = PreparedKey("severity", inObjectInArrayAtDepth: 2)
        static let message = PreparedKey("message", inObjectInArrayAtDepth: 2)
        static let service = PreparedKey("service", inObjectInArrayAtDepth: 2)
        static let channel = PreparedKey("channel", inObjectInArrayAtDepth: 2)
        static let datastore = PreparedKey("datastore", inObjectInArrayAtDepth: 2)
        static let operation = PreparedKey("operation", inObjectInArrayAtDepth: 2)
        static let target = PreparedKey("target", inObjectInArrayAtDepth: 2)
        static let file = PreparedKey("file", inObjectInArrayAtDepth: 2)
        static let line = PreparedKey("line", inObjectInArrayAtDepth: 2)
        static let column = PreparedKey("column", inObjectInArrayAtDepth: 2)
    }

    /// One item of the findings array, written at depth 2.
    static func write(_ finding: Finding, to json: inout JSONWriter) {
        json.beginObject()
        json.field(FindingKey.rule, finding.rule)
        json.field(FindingKey.severity, finding.severity.rawValue)
        finding.withMessageBytes { json.field(FindingKey.message, utf8: $0) }
        finding.withNameBytes { service, operation, target in
            if let service { json.field(FindingKey.service, utf8: service) }
            if let channel = finding.channel { json.field(FindingKey.channel, channel) }
            if let datastore = finding.datastore { json.field(FindingKey.datastore, datastore) }
            if let operation { json.field(FindingKey.operation, utf8: operation) }
            if let target { json.field(FindingKey.target, utf8: target) }
        }
        if let path = finding.path {
            json.key("path")
            json.beginArray()
            for step in path { json.value(step) }
            json.endArray()
        }
        let location = finding.location
        location.withFileUTF8 { json.field(FindingKey.file, utf8: $0) }
        json.field(FindingKey.line, location.line)
        json.field(FindingKey.column, location.column)
        if let suppression = finding.suppression {
            json.key("suppressed")
            json.beginObject()
            json.field("kind", suppression.kind.rawValue)
            json.field("reason", suppression.reason)
            json.field("file", suppression.location.file)
            json.field("line", suppression.location.line)
            json.field("column", suppression.location.column)
            json.endObject()
        }
        if let state = finding.baselineState { json.field("baseline", state.rawValue) }
        json.endObject()
    }
}
