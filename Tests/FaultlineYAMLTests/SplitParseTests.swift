import FaultlineTestSupport
@testable import FaultlineYAML
import Testing

/// A large file is parsed in pieces on two cores; the result must be the
/// one-pass result, node for node and position for position, and every case
/// where the pieces could differ must fall back to one pass.
@Suite("Split parse")
struct SplitParseTests {
    /// A topology-shaped file: a header of shared anchors, `services:` with
    /// `count` entries (merge keys, aliases to the header, anchors defined and
    /// used inside the block, comments in column 1, block scalars), then a tail.
    static func topology(services count: Int, entry: (Int) -> String = { _ in "" }, tail: String = defaultTail) -> String {
        var text = """
        # generated for the split parse tests
        faultline: 1
        x-policies:
          fast: &fast
            timeout: 250ms
            retry: { max_attempts: 3, backoff: exponential, base: 50ms }
          breaker: &breaker { failure_threshold: 5, open_for: 30s }
        defaults:
          retry: &default-retry { max_attempts: 2 }
        services:

        """
        for index in 0..<count {
            text += """
              svc-\(index):
                owner: "team \(index % 7)"
                description: |
                  Service \(index).
                    Indented line.
                calls:
                  - <<: *fast
                    to: svc-\((index + 1) % count)
                  - to: svc-\((index + 2) % count)
                    circuit_breaker: *breaker
                    retry: *default-retry
                operations:
                  Get: &get-\(index) { calls: [ { to: svc-\((index + 3) % count), timeout: 1s } ] }
                  List: *get-\(index)
            # a comment in column 1 inside the block
            \(entry(index))
            """
        }
        return text + tail
    }

    static let defaultTail = """

    channels:
      orders: &orders-channel
        kind: queue
        dead_letter: orders-dlq
      orders-copy: *orders-channel
    datastores:
      main: { kind: postgres, policy: *fast }

    """

    static func oneLine(_ text: String) -> YAMLParseResult {
        YAMLParser.build(Array(text.utf8), file: "big.yaml", limits: .default, stream: false) { $0.result() }
    }

    static func split(_ text: String, limits: YAMLLimits = .default) -> YAMLParseResult? {
        Array(text.utf8).withUnsafeBufferPointer { SplitParse.parse($0, file: "big.yaml", limits: limits) }
    }

    /// Every node of both trees, in the same order, with the same kind,
    /// position, plainness and text.
    static func sameTree(_ left: YAMLNode?, _ right: YAMLNode?) -> Bool {
        guard let left, let right else { return left == nil && right == nil }
        var stack = [(left, right)]
        var visited = 0
        while let (a, b) = stack.popLast() {
            visited += 1
            guard a.kind == b.kind, a.location == b.location, a.isPlainScalar == b.isPlainScalar, a.scalar == b.scalar,
                  a.count == b.count else { return false }
            switch a.kind {
            case .scalar: break
            case .sequence: stack.append(contentsOf: zip(a.elements, b.elements))
            case .mapping:
                for index in 0..<a.count {
                    let (leftEntry, rightEntry) = (a.entry(at: index), b.entry(at: index))
                    stack.append((leftEntry.key, rightEntry.key))
                    stack.append((leftEntry.value, rightEntry.value))
                }
            }
        }
        return visited > 1
    }

    @Test("the pieces join into exactly the one-pass tree", arguments: [40, 301])
    func sameAsOnePass(services: Int) throws {
        let text = Self.topology(services: services)
        let split = try #require(Self.split(text), "the split parse fell back")
        let onePass = Self.oneLine(text)
        #expect(split.diagnostics.isEmpty && onePass.diagnostics.isEmpty)
        #expect(Self.sameTree(split.document?.root, onePass.document?.root))
        let block = try #require(split.document?.root?.entries.first { $0.key.scalar == "services" }?.value)
        #expect(block.count == services)
        #expect(block.entry(at: services - 1).key.scalar == "svc-\(services - 1)")
        #expect(split.document?.root?.entries.map { $0.key.scalar ?? "" } == ["faultline", "x-policies", "defaults", "services", "channels", "datastores"])
    }

    @Test("the pieces stay where their builders wrote them, one segment each, and a twin reads them alike")
    func segments() throws {
        let text = Self.topology(services: 120)
        let document = try #require(Self.split(text)?.document)
        // The first piece, the block's later pieces, the tail: nothing copied behind the first.
        let segments = document.segments.count
        #expect(segments >= 4)
        let block = try #require(document.root?.entries.first { $0.key.scalar == "services" }?.value)
        #expect(block.entry(at: 0).key.id >> YAMLDocument.segmentShift == 0)
        let last = block.entry(at: block.count - 1)
        #expect(last.key.id >> YAMLDocument.segmentShift == Int32(segments - 2))
        #expect(last.key.location == Self.oneLine(text).document?.root?.entries[3].value.entry(at: 119).key.location)
        let channels = try #require(document.root?.entries.first { $0.key.scalar == "channels" })
        #expect(channels.key.id >> YAMLDocument.segmentShift == Int32(segments - 1))
        #expect(Self.sameTree(document.root.map { $0.inTwin(document.twin()) }, Self.oneLine(text).document?.root))
    }

    @Test("without a tail, and with Windows line ends")
    func variants() throws {
        let noTail = Self.topology(services: 50, tail: "")
        #expect(Self.sameTree(try #require(Self.split(noTail)).document?.root, Self.oneLine(noTail).document?.root))
        let crlf = Self.topology(services: 50).split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
        #expect(Self.sameTree(try #require(Self.split(crlf)).document?.root, Self.oneLine(crlf).document?.root))
    }

    @Test("the first cut is an entry's line at or after 40 % of the file, the later ones entries' lines too")
    func cutPlace() throws {
        let text = Self.topology(services: 100)
        let bytes = Array(text.utf8)
        let plan = try #require(bytes.withUnsafeBufferPointer { SplitParse.plan($0) })
        #expect(plan.cut >= bytes.count * SplitParse.firstPieceShare / 100)
        let blockEnd = try #require(bytes.withUnsafeBufferPointer { SplitParse.blockEnd($0, from: plan.cut) })
        let later = bytes.withUnsafeBufferPointer { SplitParse.laterCuts($0, from: plan.cut, to: blockEnd, entryIndent: 2) }
        #expect(later.count >= 3 && later.first?.lowerBound == plan.cut && later.last?.upperBound == blockEnd)
        for (piece, next) in zip(later, later.dropFirst()) {
            #expect(piece.upperBound == next.lowerBound)
            #expect(String(decoding: bytes[next.lowerBound..<next.lowerBound + 6], as: UTF8.self) == "  svc-")
        }
        #expect(plan.entryIndent == 2)
        #expect(bytes[plan.cut - 1] == UInt8(ascii: "\n") && String(decoding: bytes[plan.cut..<plan.cut + 6], as: UTF8.self) == "  svc-")
        #expect(plan.keyLine == 10)
    }

    /// Each of these would change the result if the pieces were joined
    /// blindly; the split parse must decline, and `parse` must give exactly
    /// the one-pass result, diagnostics included.
    struct FallbackCase: Sendable, CustomTestStringConvertible {
        var label: String
        /// Text added after the entry of that index.
        var insertions: [Int: String] = [:]
        var tail = SplitParseTests.defaultTail
        /// Valid YAML that the pieces alone would read differently, rather than an error.
        var isValid = false
        var testDescription: String { label }
    }

    @Test("falls back to one pass wherever the pieces could differ", arguments: [
        FallbackCase(label: "a key in both halves", insertions: [55: "  svc-3:\n    owner: again\n"]),
        FallbackCase(label: "an alias to an anchor from the first half", insertions: [70: "  user:\n    calls: [*get-2]\n"], isValid: true),
        FallbackCase(label: "an anchor of the header redefined in the first half",
                     insertions: [3: "  redefining:\n    policy: &fast { timeout: 1s }\n", 70: "  user:\n    policy: *fast\n"], isValid: true),
        FallbackCase(label: "an anchor of the block used in the tail", tail: "\nchannels:\n  copy: *get-4\n", isValid: true),
        FallbackCase(label: "a syntax error in the second half", insertions: [80: "  broken: [unclosed\n"]),
        FallbackCase(label: "a tab in the second half", insertions: [80: "  tabbed:\n\tkey: value\n"]),
        FallbackCase(label: "the block's key again in the tail", tail: "\nservices:\n  other: {}\n"),
        FallbackCase(label: "a second document in the tail", tail: "\nchannels: {}\n---\nsecond: document\n"),
        FallbackCase(label: "an unknown alias in the second half", insertions: [80: "  lost:\n    x: *nowhere\n"]),
    ])
    func fallsBack(_ example: FallbackCase) {
        let text = Self.topology(services: 100, entry: { example.insertions[$0] ?? "" }, tail: example.tail)
        #expect(Self.split(text) == nil, "\(example.label): the split parse should decline")
        #expect(Self.oneLine(text).diagnostics.isEmpty == example.isValid)
    }

    @Test("a file over the threshold is parsed in pieces by `parse`, to the one-pass tree")
    func largeFileThroughParse() throws {
        let head = Self.topology(services: 50, tail: "")
        // More entries after the generated ones, until the file passes the threshold.
        var block = "", extra = 0
        while head.utf8.count + block.utf8.count < SplitParse.minimumBytes + 4096 {
            block += "  more-\(extra):\n    owner: team\n    calls:\n      - <<: *fast\n        to: svc-1\n"
                + String(repeating: "    # padding to make the file large\n", count: 8)
            extra += 1
        }
        let text = head + block + Self.defaultTail
        #expect(text.utf8.count > SplitParse.minimumBytes)
        #expect(Self.split(text) != nil, "the split parse declined a plain large file")
        let parsed = YAMLParser.parse(text, file: "big.yaml")
        #expect(parsed.diagnostics.isEmpty)
        #expect(Self.sameTree(parsed.document?.root, Self.oneLine(text).document?.root))
    }

    @Test("a node limit the pieces only exceed together is met as in one pass")
    func nodeLimitAcrossPieces() throws {
        let text = Self.topology(services: 100)
        func parses(under limit: Int) -> Bool {
            var limits = YAMLLimits.default
            limits.maxExpandedNodes = limit
            return YAMLParser.build(Array(text.utf8), file: "big.yaml", limits: limits, stream: false) { $0.result() }.document != nil
        }
        // The smallest limit the whole file passes: it expands to exactly that many nodes.
        var (low, high) = (1, 1_000_000)
        while low < high {
            let middle = (low + high) / 2
            if parses(under: middle) { high = middle } else { low = middle + 1 }
        }
        var limits = YAMLLimits.default
        limits.maxExpandedNodes = low - 1  // each piece holds about half as many
        #expect(Self.split(text, limits: limits) == nil)
        let parsed = YAMLParser.parse(text, file: "big.yaml", limits: limits)
        #expect(parsed.document == nil)
        #expect(parsed.diagnostics.first?.message.contains("expands to more than \(low - 1) nodes") == true)
        limits.maxExpandedNodes = low
        #expect(Self.split(text, limits: limits) != nil)
    }

    @Test("files that are not one large block mapping are not cut", arguments: [
        ("a list", "services:\n", "- item\n"),
        ("no services key", "x: 1\n", "y: 2\n"),
        ("quoted keys", "services: # comment\n", "  'quoted': 1\n"),
        ("tabs", "services:\n", "\tkey: 1\n"),
        ("a value on the key's line", "services: &all\n", "  key: 1\n"),
    ])
    func noPlan(label: String, head: String, line: String) {
        let text = head + String(repeating: line, count: 2000)
        #expect(Array(text.utf8).withUnsafeBufferPointer { SplitParse.plan($0) } == nil, "\(label)")
    }

    /// Damaged and unusual files: wherever the split parse gives a result, it
    /// is exactly the one-pass result; and `parse` always says what one pass says.
    @Test("on 400 damaged files the split parse agrees with one pass or declines")
    func damagedFiles() {
        let snippets = [
            "  alias-user:\n    policy: *fast\n", "  &anchored named:\n    x: 1\n", "\tkey: tabbed\n", "---\n", "...\n",
            "  dup: 1\n  dup: 2\n", "# comment\n", "  'quoted': 1\n", "  multi: \"one\n  two\"\n", "  flow: [a,\n b]\n",
            "services:\n", "  <<: *fast\n", "    nested: {a: 1}\n", "  text: |\n    line\n  back: 1\n", "%YAML 1.1\n",
            "x-top: 1\n", "  svc-7:\n    again: true\n", "  bad: *nowhere\n", "  anchor-late: &late {a: 1}\n", "  uses-late: *late\n",
            "channels: {}\n", "  - item\n", "? complex\n: value\n", "\u{FEFF}", "  key: \"unterminated\n",
        ]
        let base = Array(Self.topology(services: 60).utf8)
        var random = SplitMix64(state: 7)
        var split = 0
        for _ in 0..<400 {
            var bytes = base
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                // A line start, so most damage stays line-shaped, as in real edits.
                var position = Int.random(in: 0..<bytes.count, using: &random)
                while position > 0, bytes[position - 1] != UInt8(ascii: "\n") { position -= 1 }
                if Bool.random(using: &random) {
                    bytes.insert(contentsOf: Array(snippets[Int.random(in: 0..<snippets.count, using: &random)].utf8), at: position)
                } else {
                    bytes.remove(at: min(position + Int.random(in: 0..<8, using: &random), bytes.count - 1))
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let onePass = Self.oneLine(text)
            if let pieces = Self.split(text) {
                split += 1
                #expect(onePass.diagnostics.isEmpty, "the split parse accepted what one pass rejects:\n\(text)")
                #expect(Self.sameTree(pieces.document?.root, onePass.document?.root), "the pieces differ from one pass:\n\(text)")
            }
        }
        // Damage in any of the pieces declines the split, so fewer than half are split.
        #expect(split > 40, "too few damaged files were split to test anything: \(split)")
    }

    static func built(_ bytes: [UInt8], inline: Bool, limits: YAMLLimits) -> YAMLParseResult {
        var builder = DocumentBuilder(file: "pipe.yaml", limits: limits, capacity: bytes.count)
        bytes.withUnsafeBufferPointer { YAMLParser.run($0, into: &builder, inline: inline) }
        return builder.result()
    }

    /// Inputs for `inlineMatchesThreaded`, by name (named so the test's
    /// arguments print short).
    static func pipeInput(_ label: String) -> (bytes: [UInt8], limits: YAMLLimits) {
        switch label {
        case "many chunks": return (Array(EventPipeTests.entries(20_000).utf8), .default)
        case "late syntax error": return (Array((EventPipeTests.entries(12_000) + "  broken: [1, 2\n").utf8), .default)
        case "builder stops early":
            return (Array((EventPipeTests.entries(12_000) + "  long: \(String(repeating: "x", count: 200))\n").utf8), YAMLLimits(maxScalarBytes: 100))
        case "not UTF-8": return ([0x61, 0x3A, 0x20, 0xFF, 0xFE, 0x0A], .default)
        case "anchors, aliases and merges":
            return (Array("""
            base: &base { timeout: 1s, retry: &retry { max_attempts: 3 } }
            name: &name checkout
            list: &list [a, &item b, c]
            uses:
              - *name
              - *item
              - { <<: *base, to: *name, retry: *retry }
              - <<: [*base]
                extra: *list
            quoted: &quoted "a \\"quoted\\" value"
            again: *quoted
            long: &long \(String(repeating: "z", count: 300))
            """.utf8), .default)
        case "anchored scalar over the limit":
            return (Array("a: &big \(String(repeating: "y", count: 200))\nb: *big\n".utf8), YAMLLimits(maxScalarBytes: 100))
        default: return ([], .default)  // "empty"
        }
    }

    /// Pieces run libyaml on their own thread when cores are few
    /// (`piecesRunInline`), reading each event in place: that path must give
    /// what the threaded one does, across chunks, on errors, with anchors,
    /// and when the builder stops early.
    @Test("libyaml run inline gives what it gives on its own thread", arguments: [
        "many chunks", "late syntax error", "builder stops early", "not UTF-8", "anchors, aliases and merges",
        "anchored scalar over the limit", "empty",
    ])
    func inlineMatchesThreaded(_ label: String) {
        let (bytes, limits) = Self.pipeInput(label)
        let threaded = Self.built(bytes, inline: false, limits: limits), inline = Self.built(bytes, inline: true, limits: limits)
        #expect(inline.diagnostics == threaded.diagnostics, "\(label)")
        #expect((inline.document == nil) == (threaded.document == nil), "\(label)")
        if threaded.document?.root != nil { #expect(Self.sameTree(inline.document?.root, threaded.document?.root), "\(label)") }
        if label == "anchors, aliases and merges" { #expect(threaded.document != nil && threaded.diagnostics.isEmpty, "\(threaded.diagnostics)") }
    }
}
