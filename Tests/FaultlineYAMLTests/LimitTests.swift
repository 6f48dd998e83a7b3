@testable import FaultlineYAML
import Testing

/// Hostile input fails fast with a positioned error instead of exhausting memory, time or stack.
@Suite("Limits")
struct LimitTests {
    /// `levels` anchored lists; the first holds `width` scalars, each later one `width` aliases of the one before.
    static func aliasBomb(levels: Int, width: Int) -> String {
        var text = "x-bomb:\n"
        text += "  l0: &l0 [" + Array(repeating: "x", count: width).joined(separator: ", ") + "]\n"
        for level in 1..<levels {
            text += "  l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: width).joined(separator: ", ") + "]\n"
        }
        return text
    }

    @Test("the default limits")
    func defaults() {
        #expect(YAMLLimits.default.maxExpandedNodes == 20_000_000)
        #expect(YAMLLimits.default.maxDepth == 256)
        #expect(YAMLLimits() == .default)
        #expect(YAMLLimits(maxExpandedNodes: 5) != .default)
    }

    @Test("an alias bomb (10 levels of 10) fails fast with the node-limit error", .timeLimit(.minutes(1)))
    func aliasBomb() throws {
        let text = Self.aliasBomb(levels: 10, width: 10)
        let clock = ContinuousClock()
        let start = clock.now
        let result = parse(text)
        let elapsed = clock.now - start
        #expect(result.document == nil)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(result.diagnostics.count == 1)
        // l7 expands to 111,111,111 nodes, the first level above 20,000,000 (l6 is 11,111,111).
        #expect(diagnostic.position == "9:7")
        #expect(diagnostic.message.contains("more than 20000000 nodes"))
        #expect(diagnostic.message.contains("alias"))
        #expect(elapsed < .seconds(2), "took \(elapsed)")
    }

    @Test("shared anchors below the limit are fine and stored once")
    func sharedAnchorsBelowLimit() throws {
        let result = parse(Self.aliasBomb(levels: 6, width: 10))
        #expect(result.diagnostics.isEmpty)
        let root = try #require(result.document?.root)
        let top = try #require(root["x-bomb"]?["l5"])
        #expect(top.count == 10)
        #expect(top.elements.first?.elements.first?.count == 10)
    }

    @Test("custom node limit: a node of exactly the limit passes, one more fails", arguments: [
        (limit: 4, text: "[1, 2, 3]", fails: false),
        (limit: 3, text: "[1, 2, 3]", fails: true),
        // The root counts 1, each key 1, the list 3, and the alias the list's 3 again: 9.
        (limit: 9, text: "a: &a [1, 2]\nb: *a\n", fails: false),
        (limit: 8, text: "a: &a [1, 2]\nb: *a\n", fails: true),
        // A mapping and two aliases to it: 1 + 3 × (key 1 + mapping 5).
        (limit: 19, text: "a: &a {x: {y: 1}}\nb: *a\nc: *a\n", fails: false),
        (limit: 18, text: "a: &a {x: {y: 1}}\nb: *a\nc: *a\n", fails: true),
        // Merged pairs are counted again where they are merged: b holds x, y and z, 7 nodes.
        (limit: 15, text: "a: &a {x: 1, y: 2}\nb: {<<: *a, z: 3}\n", fails: false),
        (limit: 14, text: "a: &a {x: 1, y: 2}\nb: {<<: *a, z: 3}\n", fails: true),
    ])
    func customNodeLimit(limit: Int, text: String, fails: Bool) throws {
        let result = parse(text, limits: YAMLLimits(maxExpandedNodes: limit))
        if fails {
            #expect(result.document == nil)
            let diagnostic = try #require(result.diagnostics.first)
            #expect(diagnostic.message.contains("more than \(limit) nodes"))
        } else {
            #expect(result.diagnostics.isEmpty)
            #expect(result.document?.root != nil)
        }
    }

    @Test("expanded sizes saturate above the highest node limit, so a larger count still fails")
    func expandedSizesSaturate() throws {
        #expect(ExpandedSize.maximum > UInt64(YAMLLimits.highestNodeLimit))
        for size: UInt64 in [1, 2, 1_000_000, UInt64(YAMLLimits.highestNodeLimit), ExpandedSize.maximum] {
            #expect(ExpandedSize.stored(size) < 0)
            #expect(UInt64(-(ExpandedSize.stored(size) + 1)) == size)
        }
        #expect(UInt64(-(ExpandedSize.stored(.max) + 1)) == ExpandedSize.maximum)
        // With the highest limit, the bomb's l9 (11,111,111,111 nodes) still fails.
        let result = parse(Self.aliasBomb(levels: 10, width: 10), limits: YAMLLimits(maxExpandedNodes: YAMLLimits.highestNodeLimit))
        #expect(result.document == nil)
        #expect(result.diagnostics.first?.message.contains("more than \(YAMLLimits.highestNodeLimit) nodes") == true)
    }

    @Test("custom depth limit: exactly maxDepth nested collections pass, one more fails", arguments: [1, 3, 10])
    func customDepthLimit(depth: Int) throws {
        let limits = YAMLLimits(maxDepth: depth)
        let fits = String(repeating: "[", count: depth) + "x" + String(repeating: "]", count: depth)
        let fitsResult = parse(fits, limits: limits)
        #expect(fitsResult.diagnostics.isEmpty)
        #expect(fitsResult.document?.root?.kind == .sequence)

        let tooDeep = String(repeating: "[", count: depth + 1) + "x" + String(repeating: "]", count: depth + 1)
        let result = parse(tooDeep, limits: limits)
        #expect(result.document == nil)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(result.diagnostics.count == 1)
        #expect(diagnostic.position == "1:\(depth + 1)")
        #expect(diagnostic.message.contains("deeper than \(depth) levels"))
    }

    @Test("100 000 nested '[' fail with the depth error at the 257th, without a crash", .timeLimit(.minutes(1)))
    func hugeFlowNesting() throws {
        let text = String(repeating: "[", count: 100_000)
        let result = parse(text)
        #expect(result.document == nil)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(result.diagnostics.count == 1)
        #expect(diagnostic.position == "1:257")
        #expect(diagnostic.message.contains("deeper than 256 levels"))
    }

    @Test("deeply nested block mappings fail with the depth error too", .timeLimit(.minutes(1)))
    func deepBlockNesting() throws {
        var text = ""
        for level in 0..<300 {
            text += String(repeating: " ", count: level) + "k:\n"
        }
        let result = parse(text)
        #expect(result.document == nil)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.message.contains("deeper than 256 levels"))
        // The 257th mapping starts at the 257th key, on line 257.
        #expect(diagnostic.position == "257:257")
    }

    @Test("nesting up to the default limit parses")
    func defaultDepthFits() throws {
        let text = String(repeating: "[", count: 256) + String(repeating: "]", count: 256)
        let result = parse(text)
        #expect(result.diagnostics.isEmpty)
        var node = try #require(result.document?.root)
        var depth = 1
        while let child = node.elements.first {
            node = child
            depth += 1
        }
        #expect(depth == 256)
    }
}
