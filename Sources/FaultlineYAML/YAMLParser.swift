#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The outcome of parsing one file: a document when libyaml could read it
/// (possibly with soft problems such as duplicate keys), and every problem found.
public struct YAMLParseResult: Sendable {
    public let document: YAMLDocument?
    public let diagnostics: [Diagnostic]
}

/// Builds a `YAMLDocument` straight from libyaml's event stream, with an
/// explicit stack so nesting depth never becomes Swift call depth.
public enum YAMLParser {
    public static func parse(_ bytes: [UInt8], file: String, limits: YAMLLimits = .default) -> YAMLParseResult {
        bytes.withUnsafeBufferPointer { parse($0, file: file, limits: limits) }
    }

    /// The same, for bytes held elsewhere (a mapped file, see `MappedFile`).
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, file: String, limits: YAMLLimits = .default) -> YAMLParseResult {
        if bytes.count <= limits.maxFileBytes, bytes.count >= SplitParse.minimumBytes,
           let result = SplitParse.parse(bytes, file: file, limits: limits) {
            return result
        }
        return build(bytes, file: file, limits: limits, stream: false) { $0.result() }
    }

    /// Runs libyaml over the bytes into a builder and hands the builder to
    /// `finish`; `stream` lets the builder take several documents (`parseStream`).
    static func build<Output>(_ bytes: [UInt8], file: String, limits: YAMLLimits, stream: Bool,
                              _ finish: (DocumentBuilder) -> Output) -> Output {
        bytes.withUnsafeBufferPointer { build($0, file: file, limits: limits, stream: stream, finish) }
    }

    static func build<Output>(_ bytes: UnsafeBufferPointer<UInt8>, file: String, limits: YAMLLimits, stream: Bool,
                              _ finish: (DocumentBuilder) -> Output) -> Output {
        if bytes.count > limits.maxFileBytes {
            var failed = DocumentBuilder(file: file, limits: limits, capacity: 0, stream: stream)
            failed.fail(Diagnostic("the file is larger than the file size limit of \(YAMLLimits.describeBytes(limits.maxFileBytes)) (raise it with --max-file-size)",
                                   at: SourceLocation(file: file, line: 1, column: 1)))
            return finish(failed)
        }
        var builder = DocumentBuilder(file: file, limits: limits, capacity: bytes.count, stream: stream)
        run(bytes, into: &builder)
        return finish(builder)
    }

    /// Feeds libyaml's events for `buffer` to `builder` until the stream ends,
    /// the builder stops, or libyaml fails (the failure becomes the builder's
    /// diagnostic).
    static func run(_ buffer: UnsafeBufferPointer<UInt8>, into builder: inout DocumentBuilder, inline: Bool = false) {
        if inline {
            let reader = EventReader(input: buffer, maxScalarBytes: builder.limits.maxScalarBytes)
            report(reader.forEachEvent({ builder.consume($0, text: $1) }), to: &builder, input: buffer)
            return
        }
        let pipe = EventPipe(input: buffer, maxScalarBytes: builder.limits.maxScalarBytes)
        guard pipe.start() else {
            builder.fail(Diagnostic("could not start the YAML parser (no thread available)", at: SourceLocation(file: builder.file, line: 1, column: 1)))
            return
        }
        defer { pipe.finish() }
        while let chunk = pipe.next() {
            defer { pipe.recycle(chunk) }
            let text = chunk.byteBuffer
            for event in chunk.eventBuffer where !builder.consume(event, text: text) { return }
            if chunk.couldNotStart {
                report(.couldNotStart, to: &builder, input: buffer)
                return
            }
            if let failure = chunk.failure {
                report(.failed(failure), to: &builder, input: buffer)
                return
            }
            if chunk.isLast { return }
        }
    }

    /// How a parse ended, told to the builder when libyaml could not start or failed.
    private static func report(_ outcome: EventReader.Outcome, to builder: inout DocumentBuilder, input: UnsafeBufferPointer<UInt8>) {
        switch outcome {
        case .done:
            break
        case .couldNotStart:
            builder.fail(Diagnostic("could not start the YAML parser (out of memory)", at: SourceLocation(file: builder.file, line: 1, column: 1)))
        case .failed(let failure):
            builder.fail(libyamlError(failure, file: builder.file, input: input, openFlow: builder.innermostOpenFlow))
        }
    }

    public static func parse(_ text: String, file: String, limits: YAMLLimits = .default) -> YAMLParseResult {
        parse(Array(text.utf8), file: file, limits: limits)
    }

    private static func libyamlError(_ failure: LibyamlFailure, file: String, input: UnsafeBufferPointer<UInt8>,
                                     openFlow: SourceLocation?) -> Diagnostic {
        let problem = failure.problem
        let context = failure.context
        var location = SourceLocation(file: file, line: failure.problemLine + 1, column: failure.problemColumn + 1)
        var message = problem
        if failure.isReaderError {
            // Reader errors carry a byte offset, not a line: count lines up to it.
            location = position(ofByte: failure.problemOffset, in: input, file: file)
            let value = failure.problemValue
            let detail = value >= 0 ? String(format2: value) : ""
            message = "\(problem)\(detail) at byte \(failure.problemOffset); a topology must be UTF-8 text without control characters"
            return Diagnostic(message, at: location)
        }
        // A `[` or `{` still open when the text runs out: the bracket is the place to fix.
        if let openFlow, context?.contains("quoted scalar") != true,
           restIsBlank(afterLine: failure.problemLine, column: failure.problemColumn, in: input) {
            return Diagnostic("this bracket or brace is never closed (\(problem))", at: openFlow)
        }
        if problem.contains("cannot start any token"), isTab(atLine: failure.problemLine, column: failure.problemColumn, input: input) {
            message = "a tab character is used for indentation or separation; YAML allows only spaces there"
        } else if let context {
            let contextLocation = SourceLocation(file: file, line: failure.contextLine + 1, column: failure.contextColumn + 1)
            if problem.contains("end of stream"), context.contains("quoted scalar") {
                location = contextLocation
                message = "this quoted string is never closed"
            } else if problem.contains("end of stream") || problem.contains("did not find expected ',' or"), context.contains("flow") {
                location = contextLocation
                message = "this bracket or brace is never closed (\(problem))"
            } else {
                message = "\(problem) \(context) at line \(contextLocation.line), column \(contextLocation.column)"
            }
        }
        return Diagnostic(message, at: location)
    }

    /// Line and column (in characters) of a byte offset, counting `\n`, `\r\n` and `\r` as line breaks.
    static func position(ofByte offset: Int, in input: UnsafeBufferPointer<UInt8>, file: String) -> SourceLocation {
        var line = 1, column = 1
        // A byte order mark takes no column, as everywhere else.
        var index = input.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let end = min(offset, input.count)
        while index < end {
            let byte = input[index]
            if byte == 0x0A || (byte == 0x0D && (index + 1 >= input.count || input[index + 1] != 0x0A)) {
                line += 1; column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            index += 1
        }
        return SourceLocation(file: file, line: line, column: column)
    }

    /// Whether nothing but white space and comments follows a mark.
    private static func restIsBlank(afterLine line: Int, column: Int, in input: UnsafeBufferPointer<UInt8>) -> Bool {
        guard var index = byteOffset(line: line + 1, column: column + 1, in: input) else { return true }
        var inComment = false
        while index < input.count {
            let byte = input[index]
            if byte == 0x0A || byte == 0x0D { inComment = false }
            else if byte == UInt8(ascii: "#") { inComment = true }
            else if !inComment, byte != 0x20, byte != 0x09 { return false }
            index += 1
        }
        return true
    }

    /// The byte at a mark, found by line and column (libyaml's index counts characters, not bytes).
    private static func isTab(atLine line: Int, column: Int, input: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let offset = byteOffset(line: line + 1, column: column + 1, in: input) else { return false }
        return input[offset] == 0x09
    }

    /// Where a 1-based line and column (in characters) start in the bytes; a
    /// leading byte order mark takes no column.
    static func byteOffset(line: Int, column: Int, in input: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = input.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var currentLine = 1
        while currentLine < line, index < input.count {
            let byte = input[index]
            index += 1
            if byte == 0x0A { currentLine += 1 }
            else if byte == 0x0D {
                if index < input.count, input[index] == 0x0A { index += 1 }
                currentLine += 1
            }
        }
        var currentColumn = 1
        while currentColumn < column, index < input.count {
            index += 1
            while index < input.count, input[index] & 0xC0 == 0x80 { index += 1 }
            currentColumn += 1
        }
        return index < input.count ? index : nil
    }
}

/// Event-by-event construction of the compact node arrays.
///
/// The stores are classes (`TrivialArray`): a copy of a builder shares them,
/// so only one copy may go on building (a split parse gives each piece its
/// own builder, and a piece's builder starts from copies of the seed's stores).
struct DocumentBuilder {
    private struct OpenCollection {
        var kind: RawNode.Kind
        /// Written `[...]` or `{...}`.
        var isFlow: Bool
        var line: Int32
        var column: Int32
        var anchor: String?
        /// Where this collection's children begin in `pending`.
        var pendingStart: Int
        /// The expanded sizes of the children so far, summed as they arrive
        /// (saturating): closing then needs no second pass over them. Kept
        /// here only while a collection inside it is open; the innermost
        /// one's runs in `innermostChildrenSize`.
        var childrenSize: UInt64 = 0
    }

    let file: String
    let limits: YAMLLimits
    // The document's storage, written in place (see `TrivialArray`).
    private(set) var nodes = TrivialArray<RawNode>()
    /// Each collection's children, preceded by its expanded size (see `ExpandedSize`).
    private(set) var children = TrivialArray<Int32>()
    private(set) var bytes = TrivialArray<UInt8>()
    /// The children of the open collections, innermost last.
    private let pending = TrivialArray<Int32>()
    private var open: [OpenCollection] = []
    /// `childrenSize` of the innermost open collection: added to for every
    /// node, so it is a plain variable rather than an array element.
    private var innermostChildrenSize: UInt64 = 0
    private var anchors: [String: Int32] = [:]
    private(set) var rootID: Int32?
    /// Where a scalar was merged through an alias (`<<: *text`): the error belongs there, not at the anchor.
    private var mergedScalarAlias: [Int32: SourceLocation] = [:]
    private var documentCount = 0
    private(set) var diagnostics: [Diagnostic] = []
    private(set) var fatal = false
    /// Stream mode (`parseStream`): any number of documents, each with its own
    /// anchors; `streamRoots` holds each finished document's root.
    let stream: Bool
    private(set) var streamRoots: [Int32?] = []

    // Split parsing (`SplitParse`) only; inert otherwise.
    /// The header pass stops at the top-level key on this line and keeps what it built.
    var seedKeyLine: Int32?
    private(set) var seed: BuilderSeed?
    /// Anchors named on nodes from this id on are recorded in `laterAnchors`;
    /// aliases to nodes before it, in `inheritedAliases` when `recordsInheritedAliases`.
    var trackedFrom = Int32.max
    var recordsInheritedAliases = false
    private(set) var laterAnchors: Set<String> = []
    private(set) var inheritedAliases: Set<String> = []
    /// The line of the stream's end: one more than the number of line breaks read.
    private(set) var endLine: Int32 = 0
    /// The last plain mapping of more than 16 pairs to close, with its keys'
    /// hashes (`keyHash`), computed while checking it for repeated keys: a
    /// split parse compares the block's keys across pieces with them.
    private(set) var lastLargeMapping: (id: Int32, keyHashes: [Int])?

    init(file: String, limits: YAMLLimits, capacity: Int, stream: Bool = false) {
        self.file = file
        self.limits = limits
        self.stream = stream
        // Generated and hand-written topologies run at about one node per
        // nine bytes; reserving close to that avoids a doubling at the end.
        bytes.reserveCapacity(capacity)
        nodes.reserveCapacity(capacity / 8)
        children.reserveCapacity(capacity / 8)
    }

    /// A builder that goes on from `seed`, for a piece of a file that starts
    /// inside the document: its aliases may name the seed's anchors.
    init(file: String, limits: YAMLLimits, capacity: Int, continuing seed: BuilderSeed) {
        self.init(file: file, limits: limits, capacity: 0)
        // Copies: the pieces of a split parse each go on from the same seed.
        nodes = TrivialArray(copying: seed.nodes, reserving: capacity / 8)
        children = TrivialArray(copying: seed.children, reserving: capacity / 8)
        bytes = TrivialArray(copying: seed.bytes, reserving: capacity)
        anchors = seed.anchors
        trackedFrom = Int32(seed.nodes.count)
        recordsInheritedAliases = true
    }

    mutating func fail(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
        fatal = true
    }

    func result() -> YAMLParseResult {
        let document = fatal ? nil : YAMLDocument(file: file, nodes: nodes, children: children, bytes: bytes, rootID: rootID)
        return YAMLParseResult(document: document, diagnostics: diagnostics.sorted())
    }

    /// Stream mode: every document, sharing this builder's node arrays; none after a fatal error.
    func streamDocuments() -> [YAMLDocument] {
        fatal ? [] : streamRoots.map { YAMLDocument(file: file, nodes: nodes, children: children, bytes: bytes, rootID: $0) }
    }

    private func location(_ event: ParseEvent) -> SourceLocation {
        SourceLocation(file: file, line: Int(event.line), column: Int(event.column))
    }

    /// Returns false once parsing must stop. `text` holds the event's scalar
    /// value, alias name and anchor.
    mutating func consume(_ event: ParseEvent, text: UnsafeBufferPointer<UInt8>) -> Bool {
        switch event.kind {
        case .documentStart:
            documentCount += 1
            if stream {
                anchors.removeAll(keepingCapacity: true)
                rootID = nil
            } else if documentCount > 1 {
                fail(Diagnostic("a topology file holds one YAML document; a second one starts here (split it into two files)", at: location(event)))
                return false
            }
        case .scalar:
            if event.textLength > limits.maxScalarBytes {
                fail(Diagnostic("this value is \(YAMLLimits.describeBytes(event.textLength)) long, more than the scalar length limit of \(YAMLLimits.describeBytes(limits.maxScalarBytes)) (raise it with --max-scalar-length)", at: location(event)))
                return false
            }
            let start = bytes.count
            if event.textLength > 0 {
                bytes.appendBytes(UnsafeBufferPointer(rebasing: text[Int(event.textStart)..<Int(event.textStart) + event.textLength]))
            }
            let id = append(RawNode(kind: .scalar, isPlain: event.flag, line: event.line, column: event.column,
                                    start: Int32(start), count: Int32(event.textLength)))
            guard attach(id, size: 1, anchorName: anchorName(of: event, in: text), line: event.line, column: event.column) else { return false }
            if let seedKeyLine, event.line == seedKeyLine { return !takeSeed(at: event) }
            return true
        case .alias:
            let name = String(decoding: UnsafeBufferPointer(rebasing: text[Int(event.textStart)..<Int(event.textStart) + event.textLength]), as: UTF8.self)
            guard let target = anchors[name] else {
                diagnostics.append(Diagnostic("alias *\(name) names no anchor defined before it (an anchor must be complete before it is used, so an alias cannot refer to its own enclosing node)", at: location(event)))
                let id = append(RawNode(kind: .scalar, isPlain: true, line: event.line, column: event.column,
                                        start: Int32(bytes.count), count: 0))
                return attach(id, size: 1, anchorName: nil, line: event.line, column: event.column)
            }
            if nodes[Int(target)].kind == .scalar, aliasFeedsMerge() { mergedScalarAlias[target] = location(event) }
            if recordsInheritedAliases, target < trackedFrom { inheritedAliases.insert(name) }
            return attach(target, size: expandedSize(of: target), anchorName: nil, line: event.line, column: event.column)
        case .sequenceStart:
            return openCollection(.sequence, flow: event.flag, anchor: anchorName(of: event, in: text), at: event)
        case .mappingStart:
            return openCollection(.mapping, flow: event.flag, anchor: anchorName(of: event, in: text), at: event)
        case .sequenceEnd, .mappingEnd:
            return closeCollection()
        case .documentEnd:
            if stream { streamRoots.append(rootID) }
        case .streamEnd:
            endLine = event.line
            return false
        case .other:
            break
        }
        return true
    }

    private func anchorName(of event: ParseEvent, in text: UnsafeBufferPointer<UInt8>) -> String? {
        guard event.anchorStart >= 0 else { return nil }
        let start = Int(event.anchorStart)
        return String(decoding: UnsafeBufferPointer(rebasing: text[start..<start + Int(event.anchorLength)]), as: UTF8.self)
    }

    @inline(__always)
    private mutating func append(_ node: RawNode) -> Int32 {
        nodes.append(node)
        return Int32(nodes.count - 1)
    }

    /// The size of node `id`'s subtree with every alias expanded (saturating).
    private func expandedSize(of id: Int32) -> UInt64 {
        ExpandedSize.of(id, nodes: nodes, children: children)
    }

    /// Whether the node about to be attached is the value of a `<<` key, or an element of its list.
    private func aliasFeedsMerge() -> Bool {
        guard let top = open.last else { return false }
        let waitingKey = { (collection: OpenCollection, end: Int) -> Bool in
            collection.kind == .mapping && (end - collection.pendingStart) % 2 == 1 && self.isMergeKey(self.pending[end - 1])
        }
        if top.kind == .mapping { return waitingKey(top, pending.count) }
        guard open.count >= 2 else { return false }
        return waitingKey(open[open.count - 2], top.pendingStart)
    }

    /// The innermost `[` or `{` not yet closed.
    var innermostOpenFlow: SourceLocation? {
        open.last(where: \.isFlow).map { SourceLocation(file: file, line: Int($0.line), column: Int($0.column)) }
    }

    private mutating func openCollection(_ kind: RawNode.Kind, flow: Bool, anchor: String?, at event: ParseEvent) -> Bool {
        if open.count >= limits.maxDepth {
            fail(Diagnostic("nesting deeper than \(limits.maxDepth) levels (the depth limit; raise it with --max-depth)", at: location(event)))
            return false
        }
        if !open.isEmpty { open[open.count - 1].childrenSize = innermostChildrenSize }
        innermostChildrenSize = 0
        open.append(OpenCollection(kind: kind, isFlow: flow, line: event.line, column: event.column,
                                   anchor: anchor, pendingStart: pending.count))
        return true
    }

    private mutating func closeCollection() -> Bool {
        guard let collection = open.popLast() else { return true }
        let sizeSlot = children.count
        children.append(0)
        let start = Int32(children.count)
        var size = innermostChildrenSize.addingSaturating(1)
        innermostChildrenSize = open.last?.childrenSize ?? 0
        var largeKeyHashes: [Int]?
        do {
            // Read in place: nothing below writes to `pending` until it shrinks.
            let items = pending.elements(collection.pendingStart..<pending.count)
            if collection.kind == .sequence {
                children.append(contentsOf: items)
            } else if items.count > 32, let hashes = DocumentBuilder.plainMappingKeyHashes(items, nodes: nodes, bytes: bytes) {
                children.append(contentsOf: items)
                largeKeyHashes = hashes
            } else if items.count <= 32, isPlainMapping(items) {
                children.append(contentsOf: items)
            } else {
                // Merges and dropped repeats change the children: count them again.
                appendResolvedMapping(items)
                size = 1
                for child in children.elements(Int(start)..<children.count) { size = size.addingSaturating(expandedSize(of: child)) }
            }
        }
        pending.removeLast(from: collection.pendingStart)
        let stored = children.count - Int(start)
        let count = collection.kind == .mapping ? stored / 2 : stored
        children.mutableElements[sizeSlot] = ExpandedSize.stored(size)
        let id = append(RawNode(kind: collection.kind, isPlain: false, line: collection.line, column: collection.column,
                                start: start, count: Int32(count)))
        if let largeKeyHashes { lastLargeMapping = (id, largeKeyHashes) }
        let name = collection.anchor
        return attach(id, size: size, anchorName: name, line: collection.line, column: collection.column)
    }

    // Inlined into every event's path; the rare branches are calls.
    @inline(__always)
    private mutating func attach(_ id: Int32, size: UInt64, anchorName: String?, line: Int32, column: Int32) -> Bool {
        if let anchorName { record(anchor: anchorName, id: id) }
        if size > UInt64(limits.maxExpandedNodes) || id > YAMLDocument.indexMask { return failExpansion(line: line, column: column) }
        if open.isEmpty {
            rootID = id
        } else {
            pending.append(id)
            innermostChildrenSize = innermostChildrenSize.addingSaturating(size)
        }
        return true
    }

    private mutating func record(anchor name: String, id: Int32) {
        anchors[name] = id
        if id >= trackedFrom { laterAnchors.insert(name) }
    }

    private mutating func failExpansion(line: Int32, column: Int32) -> Bool {
        let at = SourceLocation(file: file, line: Int(line), column: Int(column))
        guard nodes.count <= Int(YAMLDocument.indexMask) else {
            // Node ids keep their top bits for the segments of a split parse.
            fail(Diagnostic("the file holds more than \(YAMLDocument.indexMask) YAML nodes, more than one document can hold; split it into several files", at: at))
            return false
        }
        fail(Diagnostic("this node expands to more than \(limits.maxExpandedNodes) nodes through aliases (the node limit guards against alias bombs; raise it with --max-nodes)",
                        at: at))
        return false
    }

    /// Keeps the state at a key of the top-level block mapping (the header
    /// pass's end); false for any other scalar on that line.
    private mutating func takeSeed(at event: ParseEvent) -> Bool {
        guard event.column == 1, open.count == 1, let top = open.first, top.kind == .mapping, !top.isFlow,
              (pending.count - top.pendingStart) % 2 == 1 else { return false }
        seed = BuilderSeed(nodes: TrivialArray(copying: nodes),
                           children: TrivialArray(copying: children), bytes: TrivialArray(copying: bytes), anchors: anchors)
        return true
    }

    // MARK: Mappings

    private func scalarText(_ id: Int32) -> String? {
        let node = nodes[Int(id)]
        guard node.kind == .scalar else { return nil }
        return String(decoding: bytes.elements(Int(node.start)..<Int(node.start) + Int(node.count)), as: UTF8.self)
    }

    private func nodeLocation(_ id: Int32) -> SourceLocation {
        let node = nodes[Int(id)]
        return SourceLocation(file: file, line: Int(node.line), column: Int(node.column))
    }

    private func isMergeKey(_ id: Int32) -> Bool { DocumentBuilder.isMergeKey(id, nodes: nodes, bytes: bytes) }

    private static func isMergeKey(_ id: Int32, nodes: TrivialArray<RawNode>, bytes: TrivialArray<UInt8>) -> Bool {
        let node = nodes[Int(id)]
        return node.kind == .scalar && node.isPlain && node.count == 2
            && bytes[Int(node.start)] == UInt8(ascii: "<") && bytes[Int(node.start) + 1] == UInt8(ascii: "<")
    }

    /// Checks keys, rejects duplicates, and applies merge keys: the mapping's
    /// own keys win over merged ones, and in `<<: [*a, *b]` the earlier wins.
    /// Merged pairs take the place of the `<<` entry.
    private func isPlainMapping(_ items: UnsafeBufferPointer<Int32>) -> Bool {
        DocumentBuilder.isPlainMapping(items, nodes: nodes, bytes: bytes)
    }

    static func keysEqual(_ a: Int32, _ b: Int32, nodes: TrivialArray<RawNode>, bytes: TrivialArray<UInt8>) -> Bool {
        let first = nodes[Int(a)], second = nodes[Int(b)]
        guard first.count == second.count else { return false }
        let count = Int(first.count)
        let one = bytes.elements(Int(first.start)..<Int(first.start) + count)
        let other = bytes.elements(Int(second.start)..<Int(second.start) + count)
        guard let oneBase = one.baseAddress, let otherBase = other.baseAddress else { return true }
        return ByteBuffer.equal(oneBase, otherBase, count: count)
    }

    static func keyHash(_ key: Int32, nodes: TrivialArray<RawNode>, bytes: TrivialArray<UInt8>) -> Int {
        let node = nodes[Int(key)]
        var hasher = Hasher()
        hasher.combine(bytes: UnsafeRawBufferPointer(bytes.elements(Int(node.start)..<Int(node.start) + Int(node.count))))
        return hasher.finalize()
    }

    /// The usual mapping — scalar keys, no merge key, no duplicate — checked
    /// on the bytes, without making a String per key.
    static func isPlainMapping(_ items: UnsafeBufferPointer<Int32>, nodes: TrivialArray<RawNode>, bytes: TrivialArray<UInt8>) -> Bool {
        let pairs = items.count / 2
        let first = items.startIndex
        for pair in 0..<pairs {
            let key = items[first + 2 * pair]
            if nodes[Int(key)].kind != .scalar || isMergeKey(key, nodes: nodes, bytes: bytes) { return false }
        }
        if pairs <= 16 {
            for later in 0..<pairs {
                for earlier in 0..<later where keysEqual(items[first + 2 * earlier], items[first + 2 * later], nodes: nodes, bytes: bytes) {
                    return false
                }
            }
            return true
        }
        return plainMappingKeyHashes(items, nodes: nodes, bytes: bytes) != nil
    }

    /// For a plain mapping, its keys' hashes in order; nil for any other.
    static func plainMappingKeyHashes(_ items: UnsafeBufferPointer<Int32>, nodes: TrivialArray<RawNode>, bytes: TrivialArray<UInt8>) -> [Int]? {
        let pairs = items.count / 2
        let first = items.startIndex
        var seen = KeyTable(expected: pairs)
        var hashes: [Int] = []
        hashes.reserveCapacity(pairs)
        for pair in 0..<pairs {
            let key = items[first + 2 * pair]
            guard nodes[Int(key)].kind == .scalar, !isMergeKey(key, nodes: nodes, bytes: bytes) else { return nil }
            let hash = keyHash(key, nodes: nodes, bytes: bytes)
            guard seen.insert(key, hash: hash, nodes: nodes, bytes: bytes) == nil else { return nil }
            hashes.append(hash)
        }
        return hashes
    }

    /// Appends the mapping's entries to `children` as they resolve. `items`
    /// are read in place from `pending`, which nothing here changes; most of
    /// these mappings are a merge (`<<: *base`) and no repeat, so the repeat
    /// marks are made only once there is one.
    private mutating func appendResolvedMapping(_ items: UnsafeBufferPointer<Int32>) {
        let pairs = items.count / 2
        var own = KeyTable(expected: pairs)
        var isRepeat: [Bool] = []
        var hasMerge = false
        for pair in 0..<pairs {
            let key = items[2 * pair]
            if isMergeKey(key) { hasMerge = true; continue }
            guard nodes[Int(key)].kind == .scalar else {
                // Reported here and kept in the mapping, so the mapping is not
                // mistaken for an empty one; readers skip keys that are not scalars.
                diagnostics.append(Diagnostic("a mapping key must be a plain value, not \(nodes[Int(key)].kind == .mapping ? "a mapping" : "a list")", at: nodeLocation(key)))
                continue
            }
            if let first = own.insert(key, nodes: nodes, bytes: bytes) {
                let firstAt = nodeLocation(first)
                diagnostics.append(Diagnostic("duplicate key '\(scalarText(key) ?? "")'; it is first defined at line \(firstAt.line), column \(firstAt.column)", at: nodeLocation(key)))
                if isRepeat.isEmpty { isRepeat = Array(repeating: false, count: pairs) }
                isRepeat[pair] = true
            }
        }
        // `own` is not read again: taken over, not copied on the first insert.
        var taken = consume own
        for pair in 0..<pairs {
            let key = items[2 * pair], value = items[2 * pair + 1]
            guard hasMerge, isMergeKey(key) else {
                if isRepeat.isEmpty || !isRepeat[pair] { children.append(key); children.append(value) }
                continue
            }
            // The usual `<<: *base` names one mapping: no list of sources for it.
            if nodes[Int(value)].kind == .mapping {
                appendMerged(from: value, taken: &taken)
            } else {
                for source in mergeSources(value) { appendMerged(from: source, taken: &taken) }
            }
        }
    }

    /// The pairs of mapping `source` whose keys are not `taken` yet.
    private mutating func appendMerged(from source: Int32, taken: inout KeyTable) {
        let sourceNode = nodes[Int(source)]
        let start = Int(sourceNode.start)
        for pair in 0..<Int(sourceNode.count) {
            let mergedKey = children[start + 2 * pair], mergedValue = children[start + 2 * pair + 1]
            guard nodes[Int(mergedKey)].kind == .scalar, taken.insert(mergedKey, nodes: nodes, bytes: bytes) == nil else { continue }
            children.append(mergedKey)
            children.append(mergedValue)
        }
    }

    /// Scalar keys by their bytes: merge keys and repeated keys are resolved
    /// without making a String per key. Up to `linearLimit` keys (the usual
    /// `retry: { <<: *base, max_attempts: 3 }`) are kept in order and compared
    /// one by one, which costs less than hashing each; more are kept in open
    /// addressing by hash.
    private struct KeyTable {
        private var slots: [Int32]
        private var count = 0
        private var hashed: Bool
        private static let linearLimit = 8

        init(expected: Int) {
            hashed = expected > KeyTable.linearLimit
            if hashed {
                slots = [Int32](repeating: -1, count: 1 << (Int.bitWidth - max(8, 2 * expected).leadingZeroBitCount))
            } else {
                slots = []
                slots.reserveCapacity(KeyTable.linearLimit)
            }
        }

        /// Adds `key`, or returns the equal key already there.
        mutating func insert(_ key: Int32, hash: Int? = nil, nodes: TrivialArray<RawNode>, bytes: TrivialArray<UInt8>) -> Int32? {
            if !hashed {
                for existing in slots where DocumentBuilder.keysEqual(existing, key, nodes: nodes, bytes: bytes) { return existing }
                if slots.count < KeyTable.linearLimit {
                    slots.append(key)
                    count += 1
                    return nil
                }
                let listed = slots
                hashed = true
                slots = [Int32](repeating: -1, count: 4 * KeyTable.linearLimit)
                count = 0
                for existing in listed { _ = insert(existing, nodes: nodes, bytes: bytes) }
            }
            if 2 * (count + 1) > slots.count {
                let old = slots
                slots = [Int32](repeating: -1, count: 2 * old.count)
                count = 0
                for existing in old where existing >= 0 { _ = insert(existing, nodes: nodes, bytes: bytes) }
            }
            let mask = slots.count - 1
            var slot = (hash ?? DocumentBuilder.keyHash(key, nodes: nodes, bytes: bytes)) & mask
            while slots[slot] >= 0 {
                if DocumentBuilder.keysEqual(slots[slot], key, nodes: nodes, bytes: bytes) { return slots[slot] }
                slot = (slot + 1) & mask
            }
            slots[slot] = key
            count += 1
            return nil
        }
    }

    private mutating func mergeSources(_ value: Int32) -> [Int32] {
        let node = nodes[Int(value)]
        switch node.kind {
        case .mapping:
            return [value]
        case .sequence:
            let elements = Array(children.elements(Int(node.start)..<Int(node.start) + Int(node.count)))
            var sources: [Int32] = []
            for element in elements {
                if nodes[Int(element)].kind == .mapping {
                    sources.append(element)
                } else {
                    diagnostics.append(Diagnostic("a merge key '<<' list may hold only mappings (usually aliases such as *base)", at: mergedScalarAlias[element] ?? nodeLocation(element)))
                }
            }
            return sources
        case .scalar:
            diagnostics.append(Diagnostic("a merge key '<<' must point at a mapping or a list of mappings, such as *base or [*a, *b]", at: mergedScalarAlias[value] ?? nodeLocation(value)))
            return []
        }
    }
}

extension UInt64 {
    func addingSaturating(_ other: UInt64) -> UInt64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
}

private extension String {
    /// " (0xNN)" for the offending byte or code point libyaml reports.
    init(format2 value: Int32) {
        self = " (0x" + String(value, radix: 16, uppercase: true) + ")"
    }
}
