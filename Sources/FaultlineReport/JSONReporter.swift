import FaultlineRules

/// The JSON report of `report-format.md`, schema 1. Keys always come in the
/// same order; absent fields of a finding are left out.
public struct JSONReporter: Sendable {
    public static let schema = 1

    public init() {}

    public func render(_ report: Report) -> String {
        let sink = OutputSink()
        write(report, to: sink)
        return sink.text
    }

    /// Streams the report: the writer's buffer is handed to the sink after each finding.
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
        for finding in report.findings {
            json.beginObject()
            json.field("rule", finding.rule)
            json.field("severity", finding.severity.rawValue)
            json.field("message", finding.message)
            if let service = finding.service { json.field("service", service) }
            if let channel = finding.channel { json.field("channel", channel) }
            if let datastore = finding.datastore { json.field("datastore", datastore) }
            if let operation = finding.operation { json.field("operation", operation) }
            if let target = finding.target { json.field("target", target) }
            if let path = finding.path {
                json.key("path")
                json.beginArray()
                for step in path { json.value(step) }
                json.endArray()
            }
            json.field("file", finding.location.file)
            json.field("line", finding.location.line)
            json.field("column", finding.location.column)
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
            if json.output.count >= 32 * 1024 { json.drain(into: sink) }
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
}
