import FaultlineRules
import Dispatch

/// The JSON report of `report-format.md`, schema 1. Keys always come in the
/// same order; absent fields of a finding are left out.
public struct JSONReporter: Sendable {
    public static let schema = 1

    /// Findings per part of the array rendered at once (see `write`); any
    /// size gives the same bytes.
    let partSize: Int

    public init() { partSize = 2048 }

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
        // Findings are rendered in parts, side by side on every core, and
        // written in order: the report's bulk is this array. The part
        // buffers are made once and reused for every round.
        let findings = report.findings
        let partCount = (findings.count + partSize - 1) / partSize
        let rendered = RenderedParts(count: min(JSONReporter.partsAtOnce, partCount), capacity: partSize * 400)
        var firstPart = 0
        json.drain(into: sink)
        while firstPart < partCount {
            let parts = min(JSONReporter.partsAtOnce, partCount - firstPart)
            let roundStart = firstPart
            DispatchQueue.concurrentPerform(iterations: parts) { offset in
                let part = roundStart + offset
                rendered.render(findings[part * partSize..<min(findings.count, (part + 1) * partSize)],
                                afterItems: part > 0, into: offset)
            }
            if rendered.drain(parts, into: sink) { json.noteItemsWritten() }
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

    /// One item of the findings array, which `RenderedParts` writes at depth 2.
    static func write(_ finding: Finding, to json: inout JSONWriter) {
        json.beginObject()
        json.field(FindingKey.rule, finding.rule)
        json.field(FindingKey.severity, finding.severity.rawValue)
        finding.withMessageBytes { json.field(FindingKey.message, utf8: $0) }
        if let service = finding.service { json.field(FindingKey.service, service) }
        if let channel = finding.channel { json.field(FindingKey.channel, channel) }
        if let datastore = finding.datastore { json.field(FindingKey.datastore, datastore) }
        if let operation = finding.operation { json.field(FindingKey.operation, operation) }
        if let target = finding.target { json.field(FindingKey.target, target) }
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

/// Buffers for parts of the findings array, each written by one worker per
/// round and drained in order once all of that round's parts are done.
private final class RenderedParts: @unchecked Sendable {
    private let writers: UnsafeMutablePointer<JSONWriter>
    private let count: Int

    init(count: Int, capacity: Int) {
        self.count = count
        writers = .allocate(capacity: max(count, 1))
        for index in 0..<count {
            (writers + index).initialize(to: JSONWriter(capacity: capacity, insideArrayAtDepth: 2, afterItems: false))
        }
    }

    deinit {
        writers.deinitialize(count: count)
        writers.deallocate()
    }

    func render(_ findings: ArraySlice<Finding>, afterItems: Bool, into slot: Int) {
        writers[slot].restartInsideArray(afterItems: afterItems)
        for finding in findings { JSONReporter.write(finding, to: &writers[slot]) }
    }

    /// Writes the first `parts` buffers to the sink; true when they held anything.
    func drain(_ parts: Int, into sink: OutputSink) -> Bool {
        var wrote = false
        for index in 0..<parts where !writers[index].isEmpty {
            writers[index].drain(into: sink)
            wrote = true
        }
        return wrote
    }
}
