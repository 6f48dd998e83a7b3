import FaultlineYAML
import Testing

/// libyaml runs on a thread of its own and hands events over in chunks of a
/// few thousand: what happens at chunk boundaries and when the builder stops
/// while libyaml is still reading.
@Suite("Event pipe")
struct EventPipeTests {
    /// A mapping of `count` entries, each a small mapping: about 5 events per entry.
    static func entries(_ count: Int) -> String {
        var text = "root:\n"
        for index in 0..<count { text += "  key\(index): { a: \(index), b: \"text \(index)\" }\n" }
        return text
    }

    @Test("a document of many chunks comes out whole, every node at its place")
    func manyChunks() throws {
        let count = 20_000
        let root = try parseRoot(Self.entries(count))
        let map = try #require(root.entries.first?.value)
        #expect(map.count == count)
        let last = map.entry(at: count - 1)
        #expect(last.key.scalar == "key\(count - 1)")
        #expect(last.key.location.line == count + 1)
        #expect(last.value.entries.last?.value.scalar == "text \(count - 1)")
    }

    @Test("a syntax error after many chunks is reported at its line")
    func lateSyntaxError() throws {
        let count = 20_000
        let result = parse(Self.entries(count) + "  broken: [1, 2\n")
        #expect(result.document == nil)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.location.line == count + 2)
        #expect(diagnostic.message.contains("never closed"))
    }

    @Test("the builder stops in the middle of a large file; the parse returns at once", .timeLimit(.minutes(1)))
    func earlyStop() throws {
        // A value over the scalar limit halfway: the builder stops there while
        // libyaml still has thousands of lines to read.
        let half = Self.entries(10_000)
        let text = half + "  long: \(String(repeating: "x", count: 200))\n" + Self.entries(10_000).dropFirst("root:\n".count)
        let result = parse(text, limits: YAMLLimits(maxScalarBytes: 100))
        #expect(result.document == nil)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.location.line == 10_002)
        #expect(diagnostic.message.contains("scalar length limit"))
    }

    @Test("parsing the same bytes twice gives the same tree", arguments: [1, 3_000, 9_000])
    func deterministic(_ count: Int) throws {
        let text = Self.entries(count)
        let first = try parseRoot(text), second = try parseRoot(text)
        let a = try #require(first.entries.first?.value), b = try #require(second.entries.first?.value)
        #expect(a.count == b.count)
        for index in stride(from: 0, to: a.count, by: 97) {
            #expect(a.entry(at: index).key.scalar == b.entry(at: index).key.scalar)
            #expect(a.entry(at: index).value.location == b.entry(at: index).value.location)
        }
    }
}
