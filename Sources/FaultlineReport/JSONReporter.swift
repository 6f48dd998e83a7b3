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
        // written in order: the report's bulk is this array. Two sets of part
        // buffers, made once and reused: while one round is written (a copy
        // into the page cache when the report goes to a file, 30-80 ms for
        // the 142 MB of 50 000 services), the next is rendered into the other.
        let findings = report.findings
        let partCount = (findings.count + partSize - 1) / partSize
        let setSize = min(JSONReporter.partsAtOnce, partCount)
        let sets = [RenderedParts(count: setSize, capacity: partSize * 400), RenderedParts(count: setSize, capacity: partSize * 400)]
        json.drain(into: sink)
        let writer = RoundWriter(sink: sink)
        var firstPart = 0, round = 0
        while firstPart < partCount {
            let parts = min(JSONReporter.partsAtOnce, partCount - firstPart)
            let roundStart = firstPart, rendered = sets[round % 2]
            DispatchQueue.concurrentPerform(iterations: parts) { offset in
                let part = roundStart + offset
                rendered.render(findings[part * partSize..<min(findings.count, (part + 1) * partSize)],
                                afterItems: part > 0, into: offset)
            }
            if rendered.holdsAnything(parts) { json.noteItemsWritten() }
            // The other set, written last round, is rendered into next.
            writer.write(parts, of: rendered)
            firstPart += parts
            round += 1
        }
        writer.finish()
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

    func holdsAnything(_ parts: Int) -> Bool { (0..<parts).contains { !writers[$0].isEmpty } }

    /// Writes the first `parts` buffers to the sink.
    func drain(_ parts: Int, into sink: OutputSink) {
        for index in 0..<parts where !writers[index].isEmpty { writers[index].drain(into: sink) }
    }
}

/// Writes rounds of rendered parts on a thread of its own, one round at a
/// time and in order, while the caller renders the next round into another
/// set of buffers. Only this thread touches the sink between `init` and
/// `finish` (hence `@unchecked Sendable`): each write waits for the one
/// before it, and `finish` for the last.
private final class RoundWriter: @unchecked Sendable {
    private let sink: OutputSink
    private let queue = DispatchQueue(label: "faultline.json-report")
    private let lastRound = DispatchGroup()

    init(sink: OutputSink) { self.sink = sink }

    /// Returns once the round before has been written, so that its buffers
    /// may be rendered into again.
    func write(_ parts: Int, of rendered: RenderedParts) {
        lastRound.wait()
        queue.async(group: lastRound) { rendered.drain(parts, into: self.sink) }
    }

    func finish() { lastRound.wait() }
}
