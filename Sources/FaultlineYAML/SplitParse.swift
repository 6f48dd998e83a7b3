import Synchronization
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// What a builder had made when the header pass reached the key of the large
/// block: the later pieces of a split parse start from it, so their aliases
/// to the header's anchors (shared policies, merge keys) resolve as they
/// would in one pass, to the same node ids.
struct BuilderSeed {
    var nodes: TrivialArray<RawNode>
    var children: TrivialArray<Int32>
    var bytes: TrivialArray<UInt8>
    var anchors: [String: Int32]
}

/// Parsing a large topology on two cores. libyaml is sequential, and its
/// event parse is most of the time of a lint; but a topology is one mapping
/// whose `services:` block holds almost all of the file, one entry per
/// service, each starting on a line indented like the first. Such a line
/// in the second half of the block is a place where the file can be cut:
///
/// - piece 1, the start of the file up to the cut, is parsed as it is (the
///   text simply ends inside `services:`);
/// - piece 2, from the cut to the end of the block, is a block mapping of its
///   own (indented, which YAML allows at the top);
/// - piece 3, the rest (`channels:`, `datastores:` …), a mapping at column 1.
///
/// Pieces 2 and 3 start from the state of a short header pass, so aliases to
/// anchors defined before `services:` resolve exactly. They are not copied
/// behind piece 1 afterwards: each piece's storage becomes a segment of the
/// document (`YAMLDocument.Segment`), its child ids made whole ids on its own
/// thread, its lines counted on from libyaml's count of line breaks in the
/// pieces before. Copying them was 16–20 ms and 37 MB of fresh pages at
/// 50 000 services, with both cores on it and nothing else to overlap.
///
/// The cut is only taken where it cannot change the result. Every doubt
/// makes `parse` return nil and the caller parse the file in one pass:
/// any problem at all in any piece (so every error message and position is
/// the one-pass one), a structure other than the expected one, a key in the
/// block or at the top level defined in two pieces, an alias in a later
/// piece to an anchor a previous piece redefined or defined, document
/// markers or directives after the block, an encoding other than UTF-8, or
/// a node limit the pieces only exceed together.
enum SplitParse {
    /// Below this, a second thread costs more than it saves.
    static let minimumBytes = 2 << 20

    struct Plan: Equatable {
        /// The line (1-based) of the top-level `services:` key.
        var keyLine: Int32
        /// The first byte after the key's line.
        var headerEnd: Int
        /// Spaces before each entry of the block.
        var entryIndent: Int
        /// Where piece 2 starts: the start of an entry's line.
        var cut: Int
    }

    /// What one piece of the file built.
    struct Piece {
        var nodes: TrivialArray<RawNode>
        var children: TrivialArray<Int32>
        var bytes: TrivialArray<UInt8>
        var rootID: Int32?
        var endLine: Int32
        var laterAnchors: Set<String>
        var inheritedAliases: Set<String>
        /// The hashes of the block's keys, in order, computed on the piece's
        /// own thread: the join then compares the halves' keys without
        /// reading them again.
        var blockKeyHashes: [Int] = []
        /// A later piece that is a part of the block (else the tail).
        var isBlock = false
        /// The builder's `lastLargeMapping`: usually the block, already hashed.
        private var lastLargeMapping: (id: Int32, keyHashes: [Int])?

        /// Nil when the piece had any problem: the one-pass parse reports it.
        init?(_ builder: DocumentBuilder) {
            guard !builder.fatal, builder.diagnostics.isEmpty else { return nil }
            nodes = builder.nodes
            children = builder.children
            bytes = builder.bytes
            rootID = builder.rootID
            endLine = builder.endLine
            laterAnchors = builder.laterAnchors
            inheritedAliases = builder.inheritedAliases
            lastLargeMapping = builder.lastLargeMapping
        }

        /// Makes the piece segment `segment` of the joined document: each child
        /// id past the seed's becomes a whole id (see `YAMLDocument.Segment`),
        /// in place, on the piece's own thread. Ids below `seedNodes` name the
        /// header's nodes, which the first piece holds at the same ids. False
        /// when the piece has too many nodes for a segment.
        mutating func globalize(segment: Int32, seedNodes: Int32) -> Bool {
            guard nodes.count <= Int(YAMLDocument.indexMask) else { return false }
            let high = segment << YAMLDocument.segmentShift
            let entries = children.mutableElements
            for index in entries.indices where entries[index] >= seedNodes { entries[index] |= high }
            return true
        }

        /// Hashes the keys of the mapping `id`, or of the last value of the mapping `id` when `lastValue`.
        mutating func hashBlockKeys(of id: Int32?, lastValue: Bool) {
            guard let id, nodes[Int(id)].kind == .mapping, nodes[Int(id)].count > 0 else { return }
            var blockID = id
            if lastValue {
                blockID = children[Int(nodes[Int(id)].start) + 2 * Int(nodes[Int(id)].count) - 1]
                guard nodes[Int(blockID)].kind == .mapping else { return }
            }
            let block = nodes[Int(blockID)]
            if let lastLargeMapping, lastLargeMapping.id == blockID {
                blockKeyHashes = lastLargeMapping.keyHashes
                return
            }
            blockKeyHashes = (0..<Int(block.count)).map { pair in
                DocumentBuilder.keyHash(children[Int(block.start) + 2 * pair], nodes: nodes, bytes: bytes)
            }
        }
    }

    /// Each piece runs libyaml on its own thread, beside the thread that builds
    /// its nodes, only when there is a core for each of those four threads;
    /// with fewer, each piece's thread runs libyaml itself (see `EventPipe`).
    static let piecesRunInline = Cores.online < 4

    static func parse(_ input: UnsafeBufferPointer<UInt8>, file: String, limits: YAMLLimits) -> YAMLParseResult? {
        guard limits.maxDepth > 2, let plan = plan(input) else { return nil }

        var header = DocumentBuilder(file: file, limits: limits, capacity: plan.headerEnd)
        header.seedKeyLine = plan.keyLine
        YAMLParser.run(UnsafeBufferPointer(rebasing: input[..<plan.headerEnd]), into: &header)
        guard !header.fatal, header.diagnostics.isEmpty, let seed = header.seed else { return nil }
        let seedNodes = Int32(seed.nodes.count)

        // The first piece, from the start of the file, goes to one core; the
        // rest of the block is cut into pieces that get smaller, then the
        // tail. The other core takes those, largest first, and the first core
        // joins in once its piece is done: the two finish within a small piece
        // of each other, however the machine shares its cores out.
        let queue = PieceQueue()
        // Either thread may cut the rest of the file (whichever gets there
        // first): the two iterations may also run one after the other on one
        // thread, and the first must then not wait for the second.
        let cutLater = { () -> [PieceQueue.Job]? in
            guard let blockEnd = blockEnd(input, from: plan.cut) else { return nil }
            // The block's entries sit two levels down: the top mapping and `services:`.
            var blockLimits = limits
            blockLimits.maxDepth -= 2
            var jobs = laterCuts(input, from: plan.cut, to: blockEnd, entryIndent: plan.entryIndent).map {
                PieceQueue.Job(index: 0, range: $0, limits: blockLimits, isBlock: true)
            }
            if blockEnd < input.count { jobs.append(PieceQueue.Job(index: 0, range: blockEnd..<input.count, limits: limits, isBlock: false)) }
            for index in jobs.indices { jobs[index].index = index }
            // Largest first: the tail, then the block's pieces as they come (each smaller).
            if let tail = jobs.last, !tail.isBlock { jobs = [tail] + jobs.dropLast() }
            return jobs
        }
        let firstPiece = concurrentMap(2) { worker -> Piece? in
            if worker == 0 {
                var builder = DocumentBuilder(file: file, limits: limits, capacity: input.count)
                builder.trackedFrom = seedNodes
                YAMLParser.run(UnsafeBufferPointer(rebasing: input[..<plan.cut]), into: &builder, inline: piecesRunInline)
                guard var piece = Piece(builder) else {
                    queue.fail()
                    return nil
                }
                piece.hashBlockKeys(of: piece.rootID, lastValue: true)
                queue.publishOnce(cutLater)
                while let job = queue.take() {
                    guard parseLater(job) else { return nil }
                }
                return piece
            }
            queue.publishOnce(cutLater)
            while let job = queue.take() {
                guard parseLater(job) else { return nil }
            }
            return nil
        }

        /// Parses one later piece into its slot; false (and the queue stopped) when it cannot join.
        func parseLater(_ job: PieceQueue.Job) -> Bool {
            var builder = DocumentBuilder(file: file, limits: job.limits, capacity: job.range.count, continuing: seed)
            YAMLParser.run(UnsafeBufferPointer(rebasing: input[job.range]), into: &builder, inline: piecesRunInline)
            guard var piece = Piece(builder) else {
                queue.fail()
                return false
            }
            piece.isBlock = job.isBlock
            if job.isBlock { piece.hashBlockKeys(of: piece.rootID, lastValue: false) }
            guard piece.globalize(segment: Int32(job.index + 1), seedNodes: seedNodes) else {
                queue.fail()
                return false
            }
            queue.finish(job.index, piece)
            return true
        }

        guard var first = firstPiece.first ?? nil, let later = queue.finished() else { return nil }
        guard let document = stitch(&first, later: later, seed: seed, file: file, limits: limits, entryIndent: plan.entryIndent) else {
            return nil
        }
        return YAMLParseResult(document: document, diagnostics: [])
    }

    /// The later pieces of a split parse, shared by the two threads: one
    /// takes them from the start, the other too once its first piece is done.
    final class PieceQueue: Sendable {
        struct Job: Sendable {
            var index: Int
            var range: Range<Int>
            var limits: YAMLLimits
            /// A part of the block (else the tail).
            var isBlock: Bool
        }

        private struct State {
            var jobs: [Job]?
            var next = 0
            var failed = false
            var pieces: [Piece?] = []
        }

        private let state = Mutex(State())

        /// Publishes `cut()`'s pieces unless they already are (or fails the queue when it gives none).
        func publishOnce(_ cut: () -> [Job]?) {
            guard state.withLock({ $0.jobs == nil && !$0.failed }) else { return }
            let made = cut()
            state.withLock { state in
                guard state.jobs == nil else { return }
                guard let made else {
                    state.failed = true
                    return
                }
                state.jobs = made
                state.pieces = Array(repeating: nil, count: made.count)
            }
        }

        func fail() { state.withLock { $0.failed = true } }

        /// The next piece, in the order `publishOnce` was given them; nil when
        /// none is left or one failed. Call `publishOnce` first.
        func take() -> Job? {
            state.withLock { state in
                guard !state.failed, let jobs = state.jobs, state.next < jobs.count else { return nil }
                state.next += 1
                return jobs[state.next - 1]
            }
        }

        func finish(_ index: Int, _ piece: sending Piece) { state.withLock { $0.pieces[index] = piece } }

        /// Every later piece in file order, or nil when one failed.
        func finished() -> [Piece]? {
            state.withLock { state in
                guard !state.failed, state.jobs != nil else { return nil }
                var result: [Piece] = []
                result.reserveCapacity(state.pieces.count)
                for piece in state.pieces {
                    guard let piece else { return nil }
                    result.append(piece)
                }
                return result
            }
        }
    }

    /// The block after the first cut goes in pieces of this share of what is
    /// left of it (per cent), down to `smallestPieceShare` of the file: large
    /// pieces first, small ones last, so that the two threads run out of work
    /// within a small piece of each other.
    static let laterPieceShare = 30
    static let smallestPieceShare = 1

    /// The block from `start` to `end` in pieces, each starting on an entry's
    /// line, each `laterPieceShare` of the rest; at most `maximumLaterPieces`.
    static func laterCuts(_ input: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, entryIndent: Int) -> [Range<Int>] {
        let smallest = max(1, input.count * smallestPieceShare / 100)
        var starts = [start]
        while starts.count < maximumLaterPieces, let last = starts.last {
            let size = max(smallest, (end - last) * laterPieceShare / 100)
            guard last + size < end - smallest / 2,
                  let next = entryLine(input, from: last + size, before: end, entryIndent: entryIndent) else { break }
            starts.append(next)
        }
        return starts.indices.map { starts[$0]..<($0 + 1 < starts.count ? starts[$0 + 1] : end) }
    }

    /// The block's later pieces, the first piece and the tail must fit the segments of a document.
    static let maximumLaterPieces = YAMLDocument.maximumSegments - 2

    /// The start of the first entry line of the block from `position` on (its
    /// line's start if it starts one), before `end`.
    private static func entryLine(_ input: UnsafeBufferPointer<UInt8>, from position: Int, before end: Int, entryIndent: Int) -> Int? {
        var lineStart = endOfLine(input, from: position - 1) + 1
        while lineStart < end {
            let (spaces, first) = indentation(input, at: lineStart)
            if let first, first != UInt8(ascii: "#"), spaces == entryIndent, isKeyStart(first) { return lineStart }
            lineStart = endOfLine(input, from: lineStart) + 1
        }
        return nil
    }

    // MARK: Finding the cut

    /// The first piece, parsed from the start of the file, ends at the first
    /// entry from this share of the file on (per cent): less than half, so
    /// that the other core, taking the smaller later pieces, cannot run out
    /// of them long before the first piece is done.
    static let firstPieceShare = 40

    static func plan(_ input: UnsafeBufferPointer<UInt8>) -> Plan? {
        let count = input.count
        // libyaml reads UTF-16 when the file starts with its byte order mark;
        // the byte scans below assume UTF-8.
        guard count > 4, !(input[0] == 0xFF && input[1] == 0xFE), !(input[0] == 0xFE && input[1] == 0xFF) else { return nil }
        let middle = count * firstPieceShare / 100

        // The top-level `services:` key on a line of its own, before the first cut.
        var lineStart = 0
        var line: Int32 = 1
        var keyLine: Int32 = 0
        var headerEnd = 0
        while lineStart < middle {
            let next = endOfLine(input, from: lineStart)
            if isBlockKeyLine(input, start: lineStart, end: next) {
                keyLine = line
                headerEnd = next + 1
                break
            }
            lineStart = next + 1
            line += 1
        }
        guard keyLine > 0, headerEnd < middle else { return nil }

        // The first entry sets the indentation of all of them.
        var entryIndent = 0
        lineStart = headerEnd
        while lineStart < middle {
            let (spaces, first) = indentation(input, at: lineStart)
            if let first, first != UInt8(ascii: "#") {
                guard spaces > 0, isKeyStart(first) else { return nil }
                entryIndent = spaces
                break
            }
            lineStart = endOfLine(input, from: lineStart) + 1
        }
        guard entryIndent > 0 else { return nil }

        // The first entry line from `firstPieceShare` of the file on, inside the block.
        lineStart = endOfLine(input, from: count * firstPieceShare / 100 - 1) + 1
        while lineStart < count {
            let (spaces, first) = indentation(input, at: lineStart)
            if let first, first != UInt8(ascii: "#") {
                if spaces == 0 { return nil }  // the block ended before the cut
                if spaces == entryIndent, isKeyStart(first) {
                    return Plan(keyLine: keyLine, headerEnd: headerEnd, entryIndent: entryIndent, cut: lineStart)
                }
            }
            lineStart = endOfLine(input, from: lineStart) + 1
        }
        return nil
    }

    /// The start of the first line after `start` that begins in column 1 with
    /// something other than a comment: the end of the block. Nil when what
    /// follows could start another document or holds a directive.
    static func blockEnd(_ input: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var lineStart = start
        var end: Int?
        while lineStart < input.count {
            let byte = input[lineStart]
            let startsInColumnOne = byte != UInt8(ascii: " ") && byte != UInt8(ascii: "#") && byte != 0x0A && byte != 0x0D
            if startsInColumnOne {
                if end == nil {
                    guard isKeyStart(byte) else { return nil }
                    end = lineStart
                } else if byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "%") {
                    return nil
                }
            }
            lineStart = endOfLine(input, from: lineStart) + 1
        }
        return end ?? input.count
    }

    /// The index of the `\n` ending the line at `start`, or the input's end.
    private static func endOfLine(_ input: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard start < input.count, let base = input.baseAddress,
              let found = memchr(base + start, 0x0A, input.count - start) else { return input.count }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    /// Leading spaces, and the first other byte unless the line is blank.
    private static func indentation(_ input: UnsafeBufferPointer<UInt8>, at start: Int) -> (Int, UInt8?) {
        var index = start
        while index < input.count, input[index] == UInt8(ascii: " ") { index += 1 }
        guard index < input.count, input[index] != 0x0A, input[index] != 0x0D else { return (index - start, nil) }
        return (index - start, input[index])
    }

    /// `services:`, then only spaces or a comment: a block follows.
    private static func isBlockKeyLine(_ input: UnsafeBufferPointer<UInt8>, start: Int, end: Int) -> Bool {
        let key: StaticString = "services:"
        let length = key.utf8CodeUnitCount
        guard end - start >= length, let base = input.baseAddress, memcmp(base + start, key.utf8Start, length) == 0 else { return false }
        var index = start + length
        while index < end, input[index] == UInt8(ascii: " ") { index += 1 }
        return index == end || input[index] == UInt8(ascii: "#") || (input[index] == 0x0D && index + 1 == end)
    }

    /// A plain key's first character: nothing YAML gives a meaning of its own.
    private static func isKeyStart(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "_"):
            return true
        default:
            return false
        }
    }

    // MARK: Joining the pieces

    /// Whether a key of the block's later parts (`laterHashes`, the pairs of
    /// `entries` after the first part's `firstHashes.count`) is also a key of
    /// the first part or of another later part; the first part repeats no key
    /// of its own, nor does any one later piece (they were parsed without a
    /// problem).
    static func shareAKey(_ entries: [Int32], firstHashes: [Int], laterHashes: [Int], keysEqual: (Int32, Int32) -> Bool) -> Bool {
        let pairs = firstHashes.count + laterHashes.count
        guard pairs == entries.count / 2 else { return true }
        let mask = (1 << (Int.bitWidth - (2 * pairs).leadingZeroBitCount)) - 1
        var slots = [Int32](repeating: -1, count: mask + 1)
        for (pair, hash) in firstHashes.enumerated() {
            var slot = hash & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(pair)
        }
        func pairHash(_ pair: Int) -> Int { pair < firstHashes.count ? firstHashes[pair] : laterHashes[pair - firstHashes.count] }
        for (offset, hash) in laterHashes.enumerated() {
            let pair = firstHashes.count + offset
            var slot = hash & mask
            while slots[slot] >= 0 {
                let other = Int(slots[slot])
                if pairHash(other) == hash, keysEqual(entries[2 * other], entries[2 * pair]) { return true }
                slot = (slot + 1) & mask
            }
            slots[slot] = Int32(pair)
        }
        return false
    }

    /// Joins the pieces into one document: the first piece's storage is its
    /// first segment and each later piece's (already made whole ids by
    /// `globalize`) one more, so no node is copied; the block's and the top
    /// mapping's entries become the concatenation of the pieces'. Nil where
    /// the pieces do not join into what one pass builds.
    static func stitch(_ first: inout Piece, later: [Piece], seed: BuilderSeed, file: String, limits: YAMLLimits,
                       entryIndent: Int) -> YAMLDocument? {
        let seedNodes = Int32(seed.nodes.count)
        guard let topID = first.rootID, first.nodes[Int(topID)].kind == .mapping, first.nodes[Int(topID)].count > 0 else { return nil }
        let top = first.nodes[Int(topID)]
        let lastPair = Int(top.start) + 2 * (Int(top.count) - 1)
        // The block is the top mapping's last value, keyed by the header pass's last node.
        guard first.children[lastPair] == seedNodes - 1 else { return nil }
        let blockID = first.children[lastPair + 1]
        let block = first.nodes[Int(blockID)]
        guard block.kind == .mapping, block.column == Int32(entryIndent + 1) else { return nil }

        // An alias in a later piece must name the anchor one pass would find.
        var definedBefore = first.laterAnchors
        for piece in later {
            guard piece.inheritedAliases.isDisjoint(with: definedBefore) else { return nil }
            definedBefore.formUnion(piece.laterAnchors)
        }

        var lineOffset = first.endLine - 1
        var blockEntries = Array(first.children.elements(Int(block.start)..<Int(block.start) + 2 * Int(block.count)))
        var topEntries = Array(first.children.elements(Int(top.start)..<Int(top.start) + 2 * Int(top.count)))
        var blockSize = ExpandedSize.of(blockID, nodes: first.nodes, children: first.children)
        var topSize = ExpandedSize.of(topID, nodes: first.nodes, children: first.children) - blockSize
        var laterBlockHashes: [Int] = []
        var segments: [YAMLDocument.Stores] = [(first.nodes, first.children, first.bytes, 0)]
        guard later.count < YAMLDocument.maximumSegments else { return nil }
        for piece in later {
            segments.append((piece.nodes, piece.children, piece.bytes, lineOffset))
            lineOffset += piece.endLine - 1
            guard let root = piece.rootID else { continue }  // only comments
            let rootNode = piece.nodes[Int(root)]
            guard rootNode.kind == .mapping, rootNode.column == (piece.isBlock ? Int32(entryIndent + 1) : 1) else { return nil }
            let entries = piece.children.elements(Int(rootNode.start)..<Int(rootNode.start) + 2 * Int(rootNode.count))
            let size = ExpandedSize.of(root, nodes: piece.nodes, children: piece.children) - 1
            if piece.isBlock {
                blockEntries.append(contentsOf: entries)
                laterBlockHashes.append(contentsOf: piece.blockKeyHashes)
                blockSize = blockSize.addingSaturating(size)
            } else {
                topEntries.append(contentsOf: entries)
                topSize = topSize.addingSaturating(size)
            }
        }
        topSize = topSize.addingSaturating(blockSize)
        guard blockSize <= UInt64(limits.maxExpandedNodes), topSize <= UInt64(limits.maxExpandedNodes) else { return nil }

        // Each joined mapping's entries, after its expanded size, as the builder lays them out.
        first.children.append(ExpandedSize.stored(blockSize))
        first.nodes[Int(blockID)].start = Int32(first.children.count)
        first.nodes[Int(blockID)].count = Int32(blockEntries.count / 2)
        first.children.append(contentsOf: blockEntries)
        first.children.append(ExpandedSize.stored(topSize))
        first.nodes[Int(topID)].start = Int32(first.children.count)
        first.nodes[Int(topID)].count = Int32(topEntries.count / 2)
        first.children.append(contentsOf: topEntries)
        let document = YAMLDocument(file: file, segments: segments, rootID: topID)

        // Keys are compared across segments through the document.
        func keysEqual(_ one: Int32, _ other: Int32) -> Bool {
            YAMLNode(document: document, id: one).withScalarBytes { one in
                YAMLNode(document: document, id: other).withScalarBytes { other in
                    guard one.count == other.count else { return false }
                    guard let oneBase = one.baseAddress, let otherBase = other.baseAddress else { return true }
                    return ByteBuffer.equal(oneBase, otherBase, count: one.count)
                } ?? false
            } ?? false
        }
        guard !shareAKey(blockEntries, firstHashes: first.blockKeyHashes, laterHashes: laterBlockHashes, keysEqual: keysEqual)
        else { return nil }
        // The top mapping's keys, from the first piece and the tail: scalars,
        // no merge key, none twice (else one pass reports or merges them).
        var topKeys = Set<String>()
        for pair in stride(from: 0, to: topEntries.count, by: 2) {
            let key = YAMLNode(document: document, id: topEntries[pair])
            guard let text = key.scalar, !(key.isPlainScalar && text == "<<"), topKeys.insert(text).inserted else { return nil }
        }
        return document
    }
}
