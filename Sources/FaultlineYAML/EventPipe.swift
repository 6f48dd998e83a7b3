internal import CYAML
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// One libyaml event, copied out of libyaml's structures: its text (a scalar's
/// value or an alias's name) and its anchor are ranges of the chunk's bytes.
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

    func append(_ event: ParseEvent) {
        (events + eventCount).initialize(to: event)
        eventCount += 1
    }

    /// Copies bytes in and returns where they start.
    func appendBytes(_ source: UnsafePointer<UInt8>, count: Int) -> Int32 {
        let start = bytes.count
        bytes.append(UnsafeBufferPointer(start: source, count: count))
        return Int32(start)
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
/// wait at a time, which bounds the memory in flight.
///
/// Inline, the caller's thread runs libyaml itself, a chunk at a time: for
/// pieces of a file parsed side by side when there are fewer cores than
/// threads a producer each would need, handing chunks between threads that
/// share a core only adds switching.
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

    private let isInline: Bool
    private var inlineParser: UnsafeMutablePointer<yaml_parser_t>?
    private var inlineChunk: EventChunk?
    private var inlineEnded = false

    init(input: UnsafeBufferPointer<UInt8>, maxScalarBytes: Int, inline: Bool = false) {
        self.input = input
        self.maxScalarBytes = maxScalarBytes
        isInline = inline
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
        if isInline {
            inlineParser = makeParser()
            return true
        }
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
        if isInline {
            if inlineEnded { return nil }
            let chunk = inlineChunk ?? EventChunk()
            inlineChunk = chunk
            if let inlineParser {
                fill(chunk, from: inlineParser)
            } else {
                chunk.couldNotStart = true
                chunk.isLast = true
            }
            inlineEnded = chunk.isLast
            return chunk
        }
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while ready.isEmpty { pthread_cond_wait(changed, mutex) }
        return ready.removeFirst()
    }

    func recycle(_ chunk: EventChunk) {
        chunk.reset()
        if isInline { return }
        pthread_mutex_lock(mutex)
        spare.append(chunk)
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(mutex)
    }

    /// Stops the producer early (the builder hit a limit) and waits for it.
    func finish() {
        if isInline {
            if let inlineParser { destroy(inlineParser) }
            inlineParser = nil
            inlineEnded = true
            return
        }
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

    /// The producer: libyaml's parse loop, copying each event into chunks.
    private func produce() {
        guard let parser = makeParser() else {
            let chunk = freshChunk()
            chunk.couldNotStart = true
            chunk.isLast = true
            _ = send(chunk)
            return
        }
        defer { destroy(parser) }
        while true {
            let chunk = freshChunk()
            fill(chunk, from: parser)
            guard send(chunk) else { return }
            if chunk.isLast { return }
        }
    }

    /// libyaml set up over the input; nil when it cannot start (out of memory).
    private func makeParser() -> UnsafeMutablePointer<yaml_parser_t>? {
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

    private func destroy(_ parser: UnsafeMutablePointer<yaml_parser_t>) {
        yaml_parser_delete(parser)
        parser.deallocate()
    }

    /// Events into `chunk` until it is full, the stream ends or libyaml fails;
    /// the last two set `isLast`.
    private func fill(_ chunk: EventChunk, from parser: UnsafeMutablePointer<yaml_parser_t>) {
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(parser, &event) != 0 else {
                chunk.failure = failure(of: parser.pointee)
                chunk.isLast = true
                return
            }
            let kind = append(event, to: chunk)
            yaml_event_delete(&event)
            if kind == .streamEnd {
                chunk.isLast = true
                return
            }
            if chunk.isFull { return }
        }
    }

    private func append(_ event: yaml_event_t, to chunk: EventChunk) -> ParseEvent.Kind {
        let mark = event.start_mark
        var record = ParseEvent(kind: .other, flag: false, line: Int32(clamping: mark.line + 1), column: Int32(clamping: mark.column + 1))
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
            // The length stays when the text is not copied (over the limit: the
            // builder stops at it), but never without text to point at.
            record.textLength = scalar.value == nil ? 0 : scalar.length
            if let value = scalar.value, scalar.length > 0, scalar.length <= maxScalarBytes {
                record.textStart = chunk.appendBytes(value, count: scalar.length)
            }
            copyAnchor(scalar.anchor, into: &record, chunk: chunk)
        case YAML_ALIAS_EVENT:
            record.kind = .alias
            if let name = event.data.alias.anchor {
                let length = strlen(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))
                record.textLength = length
                record.textStart = chunk.appendBytes(name, count: length)
            }
        case YAML_SEQUENCE_START_EVENT:
            let start = event.data.sequence_start
            record.kind = .sequenceStart
            record.flag = start.style == YAML_FLOW_SEQUENCE_STYLE
            copyAnchor(start.anchor, into: &record, chunk: chunk)
        case YAML_MAPPING_START_EVENT:
            let start = event.data.mapping_start
            record.kind = .mappingStart
            record.flag = start.style == YAML_FLOW_MAPPING_STYLE
            copyAnchor(start.anchor, into: &record, chunk: chunk)
        case YAML_SEQUENCE_END_EVENT:
            record.kind = .sequenceEnd
        case YAML_MAPPING_END_EVENT:
            record.kind = .mappingEnd
        default:
            return .other  // stream start: nothing to build
        }
        chunk.append(record)
        return record.kind
    }

    private func copyAnchor(_ anchor: UnsafeMutablePointer<yaml_char_t>?, into record: inout ParseEvent, chunk: EventChunk) {
        guard let anchor else { return }
        let length = strlen(UnsafeRawPointer(anchor).assumingMemoryBound(to: CChar.self))
        record.anchorLength = Int32(clamping: length)
        record.anchorStart = chunk.appendBytes(anchor, count: length)
    }

    private func failure(of parser: yaml_parser_t) -> LibyamlFailure {
        LibyamlFailure(isReaderError: parser.error == YAML_READER_ERROR,
                       problem: parser.problem.map { String(cString: $0) } ?? "invalid YAML",
                       context: parser.context.map { String(cString: $0) },
                       problemLine: parser.problem_mark.line, problemColumn: parser.problem_mark.column,
                       contextLine: parser.context_mark.line, contextColumn: parser.context_mark.column,
                       problemOffset: parser.problem_offset, problemValue: parser.problem_value)
    }
}
