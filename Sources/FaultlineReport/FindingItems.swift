import FaultlineRules
import FaultlineYAML
import Dispatch
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Writes findings as the items of a JSON array another writer has opened,
/// rendered in parts side by side on every core and written in order: the
/// findings are the bulk of a JSON or SARIF report, hundreds of megabytes on
/// an organisation-wide topology. The bytes are those one writer would give,
/// whatever the part size.
///
/// A ring of part buffers, made once and reused: every core takes the next
/// part, waits for its buffer to have been written, renders into it, and goes
/// on to the next part; a thread of its own writes the parts in order as each
/// is done (a copy into the page cache when the report goes to a file, tens
/// of milliseconds per hundred megabytes). No core waits for the others at
/// the end of a group of parts, as they did when parts were rendered in
/// rounds.
struct FindingItems {
    static let defaultPartSize = 2048
    /// Part buffers in the ring: enough for every core of a small machine and
    /// the writer, few enough that the rendered bytes waiting to be written
    /// stay a few megabytes.
    static let ringSize = 8

    let partSize: Int

    init(partSize: Int = FindingItems.defaultPartSize) { self.partSize = max(1, partSize) }

    /// `item` writes one finding (an object) at `depth`, the depth of the open array.
    func write(_ findings: [Finding], insideArrayAtDepth depth: Int, of json: inout JSONWriter, to sink: OutputSink,
               item: @Sendable (Finding, inout JSONWriter) -> Void) {
        json.drain(into: sink)
        let partCount = (findings.count + partSize - 1) / partSize
        guard partCount > 0 else { return }
        let ring = PartRing(count: min(FindingItems.ringSize, partCount), capacity: partSize * 400, depth: depth)
        let writer = DispatchQueue(label: "faultline.report-writer")
        let written = DispatchGroup()
        let handle = SinkHandle(sink)
        writer.async(group: written) {
            for part in 0..<partCount { ring.write(part, into: handle.sink) }
        }
        let partSize = partSize
        // Parts are handed out in order and each waits for its turn at its
        // buffer, which the writer gives in order: no part waits for one that
        // comes after it.
        let parts = TwoEndedChunks(count: partCount, size: 1)
        _ = concurrentMap(max(2, Cores.online)) { _ in
            while let part = parts.take(fromStart: true)?.lowerBound {
                ring.render(part, findings[part * partSize..<min(findings.count, (part + 1) * partSize)], item: item)
            }
        }
        written.wait()
        json.noteItemsWritten()
    }
}

/// The sink, handed to the writer's thread: only that thread touches it
/// until the caller has waited for the last part to be written.
private final class SinkHandle: @unchecked Sendable {
    let sink: OutputSink
    init(_ sink: OutputSink) { self.sink = sink }
}

/// Buffers for parts of the array, part `n` in buffer `n % count`: a part
/// is rendered into its buffer once the writer has written the part before
/// it there (each buffer's turn says which part may use it next, so a part
/// handed out later cannot take a buffer first when a core stalls), and
/// written once it has been rendered.
private final class PartRing: @unchecked Sendable {
    private let writers: UnsafeMutablePointer<JSONWriter>
    private let count: Int
    // Guarded by `lock`; `changed` is signalled whenever they change.
    private var turn: [Int]
    private var isRendered: [Bool]
    private var lock = pthread_mutex_t()
    private var changed = pthread_cond_t()

    init(count: Int, capacity: Int, depth: Int) {
        self.count = max(count, 1)
        writers = .allocate(capacity: self.count)
        for index in 0..<self.count {
            (writers + index).initialize(to: JSONWriter(capacity: capacity, insideArrayAtDepth: depth, afterItems: false))
        }
        turn = Array(0..<self.count)
        isRendered = Array(repeating: false, count: self.count)
        pthread_mutex_init(&lock, nil)
        pthread_cond_init(&changed, nil)
    }

    deinit {
        writers.deinitialize(count: count)
        writers.deallocate()
        pthread_cond_destroy(&changed)
        pthread_mutex_destroy(&lock)
    }

    /// Waits, holding the lock, until `ready` holds; then runs `update` and tells the others.
    private func waitUntil(_ ready: () -> Bool, then update: () -> Void = {}) {
        pthread_mutex_lock(&lock)
        while !ready() { pthread_cond_wait(&changed, &lock) }
        update()
        pthread_cond_broadcast(&changed)
        pthread_mutex_unlock(&lock)
    }

    func render(_ part: Int, _ findings: ArraySlice<Finding>, item: (Finding, inout JSONWriter) -> Void) {
        let slot = part % count
        waitUntil { turn[slot] == part }
        writers[slot].restartInsideArray(afterItems: part > 0)
        for finding in findings { item(finding, &writers[slot]) }
        waitUntil({ true }, then: { isRendered[slot] = true })
    }

    /// Writes part `part` once it is rendered, and hands its buffer to the part `count` after it.
    func write(_ part: Int, into sink: OutputSink) {
        let slot = part % count
        waitUntil { turn[slot] == part && isRendered[slot] }
        if !writers[slot].isEmpty { writers[slot].drain(into: sink) }
        waitUntil({ true }, then: {
            isRendered[slot] = false
            turn[slot] = part + count
        })
    }
}
