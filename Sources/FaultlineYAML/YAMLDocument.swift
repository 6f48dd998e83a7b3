#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// One parsed YAML document, stored compactly: every node is a small struct in
/// one array, collection children are ranges of a side array, and scalar text
/// is a range of one byte buffer (per segment: a large file parsed in pieces
/// keeps each piece's arrays, see `Segment`). An alias is the id of the node
/// it names, so shared anchors cost nothing to store; expansion is only ever
/// counted.
public final class YAMLDocument: Sendable {
    public let file: String
    @usableFromInline let fileID: UInt32
    /// The builders' own storage, taken as it is: nothing writes to it or
    /// grows it once a document holds it, so the pointers below stay valid.
    private let stores: [Stores]
    // Read by YAMLNode's inlinable accessors: the loader walks millions of nodes.
    // The first segment's storage, where every node of a one-pass parse is.
    @usableFromInline let nodes: StoredElements<RawNode>
    @usableFromInline let children: StoredElements<Int32>
    @usableFromInline let bytes: StoredElements<UInt8>
    /// Every segment's storage, the first included; see `Segment`.
    @usableFromInline let segments: StoredElements<Segment>
    let rootID: Int32?

    typealias Stores = (nodes: TrivialArray<RawNode>, children: TrivialArray<Int32>, bytes: TrivialArray<UInt8>, lineOffset: Int32)

    /// A split parse (`SplitParse`) leaves each piece's nodes where its
    /// builder wrote them, instead of copying the later pieces behind the
    /// first: a node id holds its segment in the bits from `segmentShift` up
    /// and its index in that segment's storage below. Child ids are whole ids;
    /// a node's `start` is an offset into its own segment's children or bytes,
    /// and its line is counted from its segment's first line.
    @usableFromInline static let segmentShift: Int32 = 27
    @usableFromInline static let indexMask: Int32 = (1 << segmentShift) - 1
    /// Segments a document may have: the first piece, the later pieces of the block, the tail.
    static let maximumSegments = 1 << (31 - segmentShift)

    @usableFromInline
    struct Segment: Sendable, BitwiseCopyable {
        @usableFromInline let nodes: StoredElements<RawNode>
        @usableFromInline let children: StoredElements<Int32>
        @usableFromInline let bytes: StoredElements<UInt8>
        /// Lines before the segment's first line.
        @usableFromInline let lineOffset: Int32
    }

    convenience init(file: String, nodes: TrivialArray<RawNode>, children: TrivialArray<Int32>, bytes: TrivialArray<UInt8>, rootID: Int32?) {
        self.init(file: file, segments: [(nodes, children, bytes, 0)], rootID: rootID)
    }

    /// A document over several builders' storage, one segment each, in id order.
    init(file: String, segments stores: [Stores], rootID: Int32?) {
        precondition(!stores.isEmpty && stores.count <= YAMLDocument.maximumSegments, "a document has one to four segments")
        self.file = file
        fileID = FileNames.shared.id(of: file)
        self.stores = stores
        let table = TrivialArray<Segment>(capacity: stores.count)
        for store in stores {
            table.append(Segment(nodes: StoredElements(store.nodes), children: StoredElements(store.children),
                                 bytes: StoredElements(store.bytes), lineOffset: store.lineOffset))
        }
        segmentTable = table
        let list = StoredElements(table)
        segments = list
        nodes = list[0].nodes
        children = list[0].children
        bytes = list[0].bytes
        self.rootID = rootID
    }

    /// Keeps `segments`' memory.
    private let segmentTable: TrivialArray<Segment>

    /// Another handle on the same nodes (no copy). Threads that read one
    /// document side by side each take a twin: every `YAMLNode` copy retains
    /// its document, and one counter shared by two cores is slow.
    public func twin() -> YAMLDocument {
        YAMLDocument(file: file, segments: stores, rootID: rootID)
    }

    /// Whether `other` is this document or a twin of it.
    func shares(storageWith other: YAMLDocument) -> Bool {
        other.file == file && other.stores.count == stores.count && other.stores[0].nodes === stores[0].nodes
    }

    /// The document's top node, or nil for a stream with no document (an empty file).
    public var root: YAMLNode? { rootID.map { YAMLNode(document: self, id: $0) } }

    /// The node `id`, with the children and bytes of its segment (which its
    /// `start` indexes) and the lines before that segment.
    @inlinable @inline(__always)
    func node(_ id: Int32) -> (node: RawNode, children: StoredElements<Int32>, bytes: StoredElements<UInt8>, lineOffset: Int32) {
        if id <= YAMLDocument.indexMask { return (nodes[Int(id)], children, bytes, 0) }
        let segment = segments[Int(id >> YAMLDocument.segmentShift)]
        return (segment.nodes[Int(id & YAMLDocument.indexMask)], segment.children, segment.bytes, segment.lineOffset)
    }
}

/// A collection's expanded size — its subtree with every alias expanded in
/// place, which the node limit is checked against — is kept in the children
/// store just before its children, negated: child ids are never negative, so
/// a pass that rewrites the ids (`SplitParse.Piece.globalize`) leaves it be.
/// A scalar's is 1. Four bytes per collection, where a store beside the
/// nodes took four per node (10 MB at 50 000 services).
enum ExpandedSize {
    /// Sizes saturate here, above `YAMLLimits.highestNodeLimit`.
    static let maximum = UInt64(Int32.max - 1)

    static func stored(_ size: UInt64) -> Int32 { -Int32(min(size, maximum)) - 1 }

    static func of(_ id: Int32, nodes: TrivialArray<RawNode>, children: TrivialArray<Int32>) -> UInt64 {
        let node = nodes[Int(id)]
        guard node.kind != .scalar else { return 1 }
        return UInt64(-(children[Int(node.start) - 1] + 1))
    }
}

/// Sixteen bytes per node: a file of 50 000 services has three million.
@usableFromInline
struct RawNode: Sendable, BitwiseCopyable {
    @usableFromInline
    enum Kind: UInt8, Sendable { case scalar, sequence, mapping }

    /// Column in the low 29 bits, the kind in the next two, plainness in the top bit.
    @usableFromInline var columnAndFlags: UInt32
    @usableFromInline var line: Int32
    /// Scalars: offset into `bytes`. Collections: offset into `children`.
    @usableFromInline var start: Int32
    /// Scalars: byte length. Sequences: element count. Mappings: pair count.
    @usableFromInline var count: Int32

    init(kind: Kind, isPlain: Bool, line: Int32, column: Int32, start: Int32, count: Int32) {
        let clampedColumn = UInt32(clamping: max(0, column)) & 0x1FFF_FFFF
        columnAndFlags = clampedColumn | UInt32(kind.rawValue) << 29 | (isPlain ? 1 << 31 : 0)
        self.line = line
        self.start = start
        self.count = count
    }

    @inlinable var kind: Kind { Kind(rawValue: UInt8((columnAndFlags >> 29) & 3)) ?? .scalar }
    /// A plain (unquoted, untagged) scalar: the only kind YAML resolves to
    /// booleans, numbers, null or the merge key.
    @inlinable var isPlain: Bool { columnAndFlags >> 31 == 1 }
    @inlinable var column: Int32 { Int32(columnAndFlags & 0x1FFF_FFFF) }
}

/// A handle on one node of a document: cheap to copy, positions included.
public struct YAMLNode: Sendable {
    public enum Kind: Sendable, Equatable { case scalar, sequence, mapping }

    public let document: YAMLDocument
    @usableFromInline let id: Int32

    @usableFromInline init(document: YAMLDocument, id: Int32) {
        self.document = document
        self.id = id
    }

    @inlinable @inline(__always) var raw: RawNode { document.node(id).node }

    /// The same node in `twin`, a twin of its document.
    public func inTwin(_ twin: YAMLDocument) -> YAMLNode {
        precondition(twin.shares(storageWith: document), "not a twin of this node's document")
        return YAMLNode(document: twin, id: id)
    }

    @inlinable @inline(__always) public var kind: Kind {
        switch raw.kind {
        case .scalar: return .scalar
        case .sequence: return .sequence
        case .mapping: return .mapping
        }
    }

    @inlinable
    public var location: SourceLocation {
        let (node, _, _, lineOffset) = document.node(id)
        return SourceLocation(fileID: document.fileID, line: node.line &+ lineOffset, column: node.column)
    }

    /// The scalar's text, or nil for a collection.
    @inlinable
    public var scalar: String? {
        let (node, _, bytes, _) = document.node(id)
        guard node.kind == .scalar else { return nil }
        let start = Int(node.start)
        return String(decoding: bytes.elements(start..<start + Int(node.count)), as: UTF8.self)
    }

    /// True for an unquoted scalar without an explicit tag.
    @inlinable @inline(__always)
    public var isPlainScalar: Bool { raw.kind == .scalar && raw.isPlain }

    /// A plain `~`, `null`, `Null`, `NULL` or empty scalar.
    @inlinable
    public var isNull: Bool {
        let node = raw
        guard node.kind == .scalar, node.isPlain else { return false }
        switch node.count {
        case 0: return true
        case 1: return scalarEquals("~")
        case 4: return scalarEquals("null") || scalarEquals("Null") || scalarEquals("NULL")
        default: return false
        }
    }

    /// Whether the node is a scalar whose text is exactly `text`, compared on
    /// the bytes: cheaper than making a `String` to compare.
    @inlinable @inline(__always)
    public func scalarEquals(_ text: StaticString) -> Bool {
        let node = raw
        guard node.kind == .scalar, Int(node.count) == text.utf8CodeUnitCount else { return false }
        return withScalarBytes { bytes in
            guard let base = bytes.baseAddress else { return true }
            return ByteBuffer.equal(base, text.utf8Start, count: bytes.count)
        } ?? false
    }

    /// Whether the node is a scalar whose text is exactly `text`. Literals
    /// take the `StaticString` form above: no `String` is made for them.
    @inlinable @_disfavoredOverload
    public func scalarEquals(_ text: String) -> Bool {
        withScalarBytes { YAMLNode.spells(text, $0) } ?? false
    }

    @usableFromInline
    static func spells(_ text: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard text.utf8.count == bytes.count else { return false }
        var text = text
        return text.withUTF8 { expected in
            guard let base = bytes.baseAddress, let other = expected.baseAddress else { return bytes.isEmpty }
            return ByteBuffer.equal(base, other, count: bytes.count)
        }
    }

    /// The scalar's bytes (UTF-8), or nil for a collection.
    @inlinable @inline(__always)
    public func withScalarBytes<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T? {
        let (node, _, bytes, _) = document.node(id)
        guard node.kind == .scalar else { return nil }
        let start = Int(node.start)
        return body(bytes.elements(start..<start + Int(node.count)))
    }

    /// The key and value of a mapping's pair at `index` (after merge keys are
    /// applied), without building the whole list of `entries`.
    @inlinable @inline(__always)
    public func entry(at index: Int) -> (key: YAMLNode, value: YAMLNode) {
        let (node, children, _, _) = document.node(id)
        let start = Int(node.start)
        return (YAMLNode(document: document, id: children[start + 2 * index]),
                YAMLNode(document: document, id: children[start + 2 * index + 1]))
    }

    /// A sequence's element at `index`, without building the whole list of `elements`.
    @inlinable @inline(__always)
    public func element(at index: Int) -> YAMLNode {
        let (node, children, _, _) = document.node(id)
        return YAMLNode(document: document, id: children[Int(node.start) + index])
    }

    /// The elements of a sequence; empty for other kinds.
    @inlinable
    public var elements: [YAMLNode] {
        let (node, children, _, _) = document.node(id)
        guard node.kind == .sequence else { return [] }
        let start = Int(node.start)
        return children.elements(start..<start + Int(node.count)).map { YAMLNode(document: document, id: $0) }
    }

    /// The key/value pairs of a mapping after merge keys are applied, in
    /// source order; empty for other kinds.
    public var entries: [(key: YAMLNode, value: YAMLNode)] {
        let (node, children, _, _) = document.node(id)
        guard node.kind == .mapping else { return [] }
        let start = Int(node.start)
        return (0..<Int(node.count)).map { index in
            (YAMLNode(document: document, id: children[start + 2 * index]),
             YAMLNode(document: document, id: children[start + 2 * index + 1]))
        }
    }

    /// The number of elements or pairs; 0 for a scalar.
    @inlinable @inline(__always)
    public var count: Int { raw.kind == .scalar ? 0 : Int(raw.count) }

    /// A short name of the node's kind for error messages ("a list", "the string 'x'").
    public var kindDescription: String {
        switch kind {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar:
            if isNull { return "nothing" }
            return isPlainScalar ? "'\(scalar ?? "")'" : "the string '\(scalar ?? "")'"
        }
    }
}
