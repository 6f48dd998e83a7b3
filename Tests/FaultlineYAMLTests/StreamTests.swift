import FaultlineYAML
import Testing

/// `parseStream`: files of several documents (Kubernetes, Backstage); `parse` keeps rejecting them.
@Suite("Multi-document streams")
struct StreamTests {
    @Test("every document, in order, with positions in the file")
    func documents() throws {
        let result = YAMLParser.parseStream("a: 1\n---\nb: 2\n---\n- c\n", file: "multi.yaml")
        #expect(result.diagnostics.isEmpty)
        #expect(result.documents.count == 3)
        let roots = result.documents.compactMap(\.root)
        #expect(roots.map(\.kind) == [.mapping, .mapping, .sequence])
        #expect(roots[1].entries.first?.key.position == "3:1")
        #expect(roots[2].elements.first?.scalar == "c")
        #expect(result.documents.allSatisfy { $0.file == "multi.yaml" })
    }

    @Test("a leading ---, a trailing --- and an explicit end marker", arguments: [
        ("---\na: 1\n", 1), ("a: 1\n---\n", 2), ("a: 1\n...\n---\nb: 2\n", 2), ("", 0), ("# only a comment\n", 0),
    ])
    func markers(_ text: String, _ count: Int) {
        let result = YAMLParser.parseStream(text, file: "f.yaml")
        #expect(result.diagnostics.isEmpty)
        #expect(result.documents.count == count)
    }

    @Test("anchors belong to their document")
    func anchorsPerDocument() {
        let result = YAMLParser.parseStream("a: &x 1\nb: *x\n---\nc: *x\n", file: "f.yaml")
        #expect(result.diagnostics.map(\.position) == ["4:4"])
        #expect(result.diagnostics.first?.message.contains("names no anchor") == true)
    }

    @Test("a syntax error in a later document fails the file, positioned")
    func syntaxError() {
        let result = YAMLParser.parseStream("a: 1\n---\nb: [1, 2\n", file: "f.yaml")
        #expect(result.documents.isEmpty)
        #expect(result.diagnostics.first?.position == "3:4")
    }

    @Test("the limits apply to the whole stream")
    func limits() {
        let result = YAMLParser.parseStream("a: 1\n---\nb: [[[1]]]\n", file: "f.yaml", limits: YAMLLimits(maxDepth: 2))
        #expect(result.documents.isEmpty)
        #expect(result.diagnostics.first?.message.contains("depth limit") == true)
    }

    @Test("parse still holds one document")
    func singleDocument() {
        let result = YAMLParser.parse("a: 1\n---\nb: 2\n", file: "f.yaml")
        #expect(result.document == nil)
        #expect(result.diagnostics.first?.position == "2:1")
    }
}
