import FaultlineRules
import Dispatch

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
        // Findings are rendered in parts, two at a time side by side, and
        // written in order: the report's bulk is this array.
        let findings = report.findings
        let partSize = 4096
        let partCount = (findings.count + partSize - 1) / partSize
        var firstPart = 0
        while firstPart < partCount {
            let parts = min(JSONReporter.partsAtOnce, partCount - firstPart)
            let rendered = RenderedParts(count: parts)
            let roundStart = firstPart
            DispatchQueue.concurrentPerform(iterations: parts) { offset in
                let part = roundStart + offset
                let range = part * partSize..<min(findings.count, (part + 1) * partSize)
                var writer = JSONWriter(capacity: range.count * 400, insideArrayAtDepth: 2, afterItems: part > 0)
                for index in range { JSONReporter.write(findings[index], to: &writer) }
                rendered.store(writer, at: offset)
            }
            json.drain(into: sink)
            rendered.drain(into: sink, continuing: &json)
            firstPart += parts
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

    /// How many parts of the findings array are rendered at once: enough for
    /// every core of a small machine, few enough that the rendered bytes
    /// waiting to be written stay a few megabytes.
    static let partsAtOnce = 4

    private static func write(_ finding: Finding, to json: inout JSONWriter) {
        json.beginObject()
        json.field("rule", finding.rule)
        json.field("severity", finding.severity.rawValue)
        json.key("message")
        finding.withMessageBytes { json.value(utf8: $0) }
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
    }
}

/// Rendered parts of the findings array, each stored by the worker that
/// rendered it and drained in order once all are done.
private final class RenderedParts: @unchecked Sendable {
    private let parts: UnsafeMutablePointer<JSONWriter?>
    private let count: Int

    init(count: Int) {
        self.count = count
        parts = .allocate(capacity: count)
        for index in 0..<count { (parts + index).initialize(to: nil) }
    }

    deinit {
        parts.deinitialize(count: count)
        parts.deallocate()
    }

    func store(_ writer: consuming JSONWriter, at index: Int) {
        parts[index] = consume writer
    }

    func drain(into sink: OutputSink, continuing json: inout JSONWriter) {
        for index in 0..<count {
            guard let part = parts[index].take() else { continue }
            json.append(items: part)
            json.drain(into: sink)
        }
    }
}
