import FaultlineRules
import Dispatch

/// Writes findings as the items of a JSON array another writer has opened,
/// rendered in parts side by side on every core and written in order: the
/// findings are the bulk of a JSON or SARIF report, hundreds of megabytes on
/// an organisation-wide topology. The bytes are those one writer would give,
/// whatever the part size.
///
/// Two sets of part buffers, made once and reused, take turns: while one
/// round is written on a thread of its own (a copy into the page cache when
/// the report goes to a file, tens of milliseconds per hundred megabytes),
/// the next round is rendered into the other set.
struct FindingItems {
    static let defaultPartSize = 2048
    /// How many parts are rendered at once: enough for every core of a small
    /// machine, few enough that the rendered bytes waiting to be written stay
    /// a few megabytes.
    static let partsAtOnce = 4

    let partSize: Int

    init(partSize: Int = FindingItems.defaultPartSize) { self.partSize = max(1, partSize) }

    /// `item` writes one finding (an object) at `depth`, the depth of the open array.
    func write(_ findings: [Finding], insideArrayAtDepth depth: Int, of json: inout JSONWriter, to sink: OutputSink,
               item: @Sendable (Finding, inout JSONWriter) -> Void) {
        json.drain(into: sink)
        let partCount = (findings.count + partSize - 1) / partSize
        guard partCount > 0 else { return }
        let setSize = min(FindingItems.partsAtOnce, partCount), capacity = partSize * 400
        let sets = [RenderedParts(count: setSize, capacity: capacity, depth: depth),
                    RenderedParts(count: setSize, capacity: capacity, depth: depth)]
        let writer = RoundWriter(sink: sink)
        var firstPart = 0, round = 0
        while firstPart < partCount {
            let parts = min(FindingItems.partsAtOnce, partCount - firstPart)
            let roundStart = firstPart, rendered = sets[round % 2], partSize = partSize
            DispatchQueue.concurrentPerform(iterations: parts) { offset in
                let part = roundStart + offset
                rendered.render(findings[part * partSize..<min(findings.count, (part + 1) * partSize)],
                                afterItems: part > 0, into: offset, item: item)
            }
            // The other set, written last round, is rendered into next.
            writer.write(parts, of: rendered)
            firstPart += parts
            round += 1
        }
        writer.finish()
        json.noteItemsWritten()
    }
}

/// Buffers for parts of the array, each written by one worker per round and
/// drained in order once all of that round's parts are done.
private final class RenderedParts: @unchecked Sendable {
    private let writers: UnsafeMutablePointer<JSONWriter>
    private let count: Int

    init(count: Int, capacity: Int, depth: Int) {
        self.count = count
        writers = .allocate(capacity: max(count, 1))
        for index in 0..<count {
            (writers + index).initialize(to: JSONWriter(capacity: capacity, insideArrayAtDepth: depth, afterItems: false))
        }
    }

    deinit {
        writers.deinitialize(count: count)
        writers.deallocate()
    }

    func render(_ findings: ArraySlice<Finding>, afterItems: Bool, into slot: Int, item: (Finding, inout JSONWriter) -> Void) {
        writers[slot].restartInsideArray(afterItems: afterItems)
        for finding in findings { item(finding, &writers[slot]) }
    }

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
    private let queue = DispatchQueue(label: "faultline.report-writer")
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
