internal import CYAML
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// One libyaml event, copied out of libyaml's structures: its text (a scalar's
/// value or an alias's name) and its anchor are ranges of the bytes handed
/// over with it (a chunk's, or libyaml's own; see `Libyaml.describe`).
struct ParseEvent {
    enum Kind: UInt8 {
        case streamEnd, documentStart, documentEnd, scalar, alias, sequenceStart, mappingStart, sequenceEnd, mappingEnd, other
    }

    var kind: Kind
    /// Scalars: plain style with an implicit tag. Collections: written `[...]` or `{...}`.
    var flag: Bool
    /// 1-based, where the event starts.
    var line: Int32
    var column: Int32
    var textStart: Int32 = 0
    /// The length of the scalar as libyaml read it; a scalar over the length
    /// limit is not copied (the builder stops at it).
    var textLength: Int = 0
    /// -1 when there is no anchor.
    var anchorStart: Int32 = -1
    var anchorLength: Int32 = 0
}

/// Why libyaml stopped, copied out of the parser before it is freed.
struct LibyamlFailure {
    var isReaderError: Bool
    var problem: String
    var context: String?
    /// 0-based, as libyaml gives them.
    var problemLine: Int
    var problemColumn: Int
    var contextLine: Int
    var contextColumn: Int
    var problemOffset: Int
    var problemValue: Int32
}

/// A batch of events handed from the thread that runs libyaml to the one that
/// builds the node tree. Chunks are reused once consumed. The storage is raw
/// memory: appending to arrays held by a class costs exclusivity and
/// uniqueness checks per event, a third again on top of libyaml's own work.
final class EventChunk {
    private(set) var events: UnsafeMutablePointer<ParseEvent>
    private(set) var eventCount = 0
    // Written only by the producer while it owns the chunk, read by the consumer after.
    @exclusivity(unchecked) private(set) var bytes = ByteBuffer(capacity: EventChunk.fullBytes + 4096)
    /// Set on the last chunk when libyaml failed.
    var failure: LibyamlFailure?
    /// libyaml could not even start (out of memory).
    var couldNotStart = false
    var isLast = false

    static let eventCapacity = 8192
    static let fullBytes = 256 * 1024

    init() { events = .allocate(capacity: EventChunk.eventCapacity) }

    deinit { events.deallocate() }

    var isFull: Bool { eventCount >= EventChunk.eventCapacity || bytes.count >= EventChunk.fullBytes }

    /// Adds an event, its text (see `Libyaml.describe`) copied into the
    /// chunk's bytes and its offsets moved to match.
    func append(_ event: ParseEvent, text: UnsafeBufferPointer<UInt8>) {
        var event = event
        let start = Int32(bytes.count)
        bytes.append(text)
        event.textStart += start
        if event.anchorStart >= 0 { event.anchorStart += start }
        (events + eventCount).initialize(to: event)
        eventCount += 1
    }

    var eventBuffer: UnsafeBufferPointer<ParseEvent> { UnsafeBufferPointer(start: events, count: eventCount) }
    var byteBuffer: UnsafeBufferPointer<UInt8> { bytes.bytes }

    func reset() {
        eventCount = 0
        bytes.removeAll()
        failure = nil
        couldNotStart = false
        isLast = false
    }
}

/// libyaml's event parse on a thread of its own, feeding the node builder on
/// the caller's thread: the two halves of parsing run side by side, so a
/// large file takes about as long as libyaml alone. At most `depth` chunks
/// wait at a time, which bounds the memory in flight. (`EventReader` is the
/// same parse on the caller's thread, for when there is no core to spare.)
final class EventPipe: @unchecked Sendable {
    // All mutable state below is guarded by `mutex`.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var ready: [EventChunk] = []
    private var spare: [EventChunk] = []
    private var cancelled = false
    private let depth = 4

    private let input: UnsafeBufferPointer<UInt8>
    private let maxScalarBytes: Int
    private var thread = pthread_t()
    private var started = false

    init(input: UnsafeBufferPointer<UInt8>, maxScalarBytes: Int) {
        self.input = input
        self.maxScalarBytes = maxScalarBytes
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(changed, nil)
    }

    deinit {
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(mutex)
        changed.deallocate()
        mutex.deallocate()
    }

    /// Starts the producer; false when no thread could be made (the parse
    /// then fails with a positioned error rather than hanging).
    func start() -> Bool {
        let context = Unmanaged.passRetained(self).toOpaque()
        #if canImport(Glibc)
        var handle = pthread_t()
        #else
        var handle: pthread_t?
        #endif
        let status = pthread_create(&handle, nil, { context in
            #if canImport(Glibc)
            let pipe = Unmanaged<EventPipe>.fromOpaque(context!).takeRetainedValue()
            #else
            let pipe = Unmanaged<EventPipe>.fromOpaque(context).takeRetainedValue()
            #endif
            pipe.produce()
            return nil
        }, context)
        guard status == 0 else {
            Unmanaged<EventPipe>.fromOpaque(context).release()
            return false
        }
        #if canImport(Glibc)
        thread = handle
        #else
        if let handle { thread = handle }
        #endif
        started = true
        return true
    }

    /// The next chunk in order, waiting for it; the producer always ends with
    /// one whose `isLast` is set, so the consumer never waits for nothing.
    func next() -> EventChunk? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while ready.isEmpty { pthread_cond_wait(changed, mutex) }
        return ready.removeFirst()
    }

    func recycle(_ chunk: EventChunk) {
        chunk.reset()
        pthread_mutex_lock(mutex)
        spare.append(chunk)
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(mutex)
    }

    /// Stops the producer early (the builder hit a limit) and waits for it.
    func finish() {
        pthread_mutex_lock(mutex)
        cancelled = true
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(mutex)
        if started { pthread_join(thread, nil) }
        started = false
    }

    /// Hands a chunk to the consumer; false once the consumer has stopped.
    private func send(_ chunk: EventChunk) -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while ready.count >= depth && !cancelled { pthread_cond_wait(changed, mutex) }
        if cancelled { return false }
        ready.append(chunk)
        pthread_cond_broadcast(changed)
        return true
    }

    private func freshChunk() -> EventChunk {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return spare.popLast() ?? EventChunk()
    }

    /// The producer: libyaml's parse loop (`EventReader`), copying each event into chunks.
    private func produce() {
        var chunk = freshChunk()
        var cancelled = false
        let outcome = EventReader(input: input, maxScalarBytes: maxScalarBytes).forEachEvent { record, text in
            chunk.append(record, text: text)
            if record.kind != .streamEnd, chunk.isFull {
                guard send(chunk) else { cancelled = true; return false }
                chunk = freshChunk()
            }
            return true
        }
        if cancelled { return }
        switch outcome {
        case .done: break
        case .couldNotStart: chunk.couldNotStart = true
        case .failed(let failure): chunk.failure = failure
        }
        chunk.isLast = true
        _ = send(chunk)
    }
}

/// libyaml's event parse on the caller's thread, each event handed to the
/// builder as it comes, its text read where libyaml put it. For the pieces of
/// a file parsed side by side on a machine with fewer cores than the threads
/// a pipe each would need: there, handing chunks between threads that share
/// a core only adds switching, and copying each event into a chunk was a
/// tenth of libyaml's own work again.
struct EventReader {
    enum Outcome {
        /// The stream ended, or `consume` stopped it.
        case done
        case couldNotStart
        case failed(LibyamlFailure)
    }

    let input: UnsafeBufferPointer<UInt8>
    let maxScalarBytes: Int

    /// Feeds every event to `consume` until the stream ends or it returns false.
    func forEachEvent(_ consume: (ParseEvent, UnsafeBufferPointer<UInt8>) -> Bool) -> Outcome {
        LibyamlBlocks.caching { parse(consume) }
    }

    private func parse(_ consume: (ParseEvent, UnsafeBufferPointer<UInt8>) -> Bool) -> Outcome {
        guard let parser = Libyaml.makeParser(over: input) else { return .couldNotStart }
        defer { Libyaml.destroy(parser) }
        var scratch = ByteBuffer(capacity: 256)
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(parser, &event) != 0 else { return .failed(Libyaml.failure(of: parser.pointee)) }
            defer { LibyamlBlocks.delete(&event) }
            let (record, text) = Libyaml.describe(&event, maxScalarBytes: maxScalarBytes, scratch: &scratch)
            guard let record else { continue }
            if !consume(record, text) || record.kind == .streamEnd { return .done }
        }
    }
}

/// What both ways of running libyaml share.
enum Libyaml {
    /// libyaml set up over the input; nil when it cannot start (out of memory).
    static func makeParser(over input: UnsafeBufferPointer<UInt8>) -> UnsafeMutablePointer<yaml_parser_t>? {
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        guard yaml_parser_initialize(parser) != 0 else {
            parser.deallocate()
            return nil
        }
        // libyaml reads a zero-length input as an empty stream; any base address will do.
        guard let base = input.baseAddress ?? UnsafePointer(bitPattern: 1) else {
            destroy(parser)
            return nil  // never taken
        }
        yaml_parser_set_input_string(parser, base, input.count)
        return parser
    }

    static func destroy(_ parser: UnsafeMutablePointer<yaml_parser_t>) {
        yaml_parser_delete(parser)
        parser.deallocate()
    }

    /// The event as the builder reads it (nil for the stream start, which
    /// builds nothing), and the bytes its text and anchor offsets are in:
    /// libyaml's own buffers when the event has only one of them, `scratch`
    /// when a scalar has both. A scalar over the length limit keeps its length
    /// but no text (the builder stops at it).
    static func describe(_ eventPointer: UnsafePointer<yaml_event_t>, maxScalarBytes: Int,
                         scratch: inout ByteBuffer) -> (ParseEvent?, UnsafeBufferPointer<UInt8>) {
        let event = eventPointer.pointee
        let mark = event.start_mark
        var record = ParseEvent(kind: .other, flag: false, line: Int32(clamping: mark.line + 1), column: Int32(clamping: mark.column + 1))
        var text = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        switch event.type {
        case YAML_STREAM_END_EVENT, YAML_NO_EVENT:
            record.kind = .streamEnd
        case YAML_DOCUMENT_START_EVENT:
            record.kind = .documentStart
        case YAML_DOCUMENT_END_EVENT:
            record.kind = .documentEnd
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            record.kind = .scalar
            record.flag = scalar.style == YAML_PLAIN_SCALAR_STYLE && scalar.plain_implicit != 0
            record.textLength = scalar.value == nil ? 0 : scalar.length
            let value = scalar.value.flatMap { scalar.length > 0 && scalar.length <= maxScalarBytes ? UnsafePointer($0) : nil }
            if let anchor = scalar.anchor {
                // Value and anchor side by side in the scratch bytes.
                scratch.removeAll()
                if let value { scratch.append(UnsafeBufferPointer(start: value, count: scalar.length)) }
                let name = bytes(ofCString: anchor)
                record.anchorStart = Int32(scratch.count)
                record.anchorLength = Int32(clamping: name.count)
                scratch.append(name)
                text = scratch.bytes
            } else if let value {
                text = UnsafeBufferPointer(start: value, count: scalar.length)
            }
        case YAML_ALIAS_EVENT:
            record.kind = .alias
            if let name = event.data.alias.anchor {
                text = bytes(ofCString: name)
                record.textLength = text.count
            }
        case YAML_SEQUENCE_START_EVENT:
            let start = event.data.sequence_start
            record.kind = .sequenceStart
            record.flag = start.style == YAML_FLOW_SEQUENCE_STYLE
            if let anchor = start.anchor { text = anchorOnly(anchor, into: &record) }
        case YAML_MAPPING_START_EVENT:
            let start = event.data.mapping_start
            record.kind = .mappingStart
            record.flag = start.style == YAML_FLOW_MAPPING_STYLE
            if let anchor = start.anchor { text = anchorOnly(anchor, into: &record) }
        case YAML_SEQUENCE_END_EVENT:
            record.kind = .sequenceEnd
        case YAML_MAPPING_END_EVENT:
            record.kind = .mappingEnd
        default:
            return (nil, text)  // stream start: nothing to build
        }
        return (record, text)
    }

    private static func bytes(ofCString text: UnsafeMutablePointer<yaml_char_t>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: UnsafePointer(text), count: strlen(UnsafeRawPointer(text).assumingMemoryBound(to: CChar.self)))
    }

    private static func anchorOnly(_ anchor: UnsafeMutablePointer<yaml_char_t>, into record: inout ParseEvent) -> UnsafeBufferPointer<UInt8> {
        let name = bytes(ofCString: anchor)
        record.anchorStart = 0
        record.anchorLength = Int32(clamping: name.count)
        return name
    }

    static func failure(of parser: yaml_parser_t) -> LibyamlFailure {
        LibyamlFailure(isReaderError: parser.error == YAML_READER_ERROR,
                       problem: parser.problem.map { String(cString: $0) } ?? "invalid YAML",
                       context: parser.context.map { String(cString: $0) },
                       problemLine: parser.problem_mark.line, problemColumn: parser.problem_mark.column,
                       contextLine: parser.context_mark.line, contextColumn: parser.context_mark.column,
                       problemOffset: parser.problem_offset, problemValue: parser.problem_value)
    }
}
