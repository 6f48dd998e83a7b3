import FaultlineYAML
import Testing

@Suite("Anchors and aliases")
struct AnchorAliasTests {
    @Test("an alias stands for the anchored mapping, with the anchor's positions")
    func aliasToMapping() throws {
        let root = try parseRoot("""
            base: &b {timeout: 1s, retry: none}
            use: *b
            """)
        let use = try #require(root["use"])
        #expect(use.kind == .mapping)
        #expect(use.keys == ["timeout", "retry"])
        #expect(use["timeout"]?.scalar == "1s")
        // The alias is the anchored node itself: positions point where it was written.
        #expect(use.position == "1:7")
        #expect(use["timeout"]?.position == "1:20")
    }

    @Test("aliases to scalars and sequences")
    func aliasToScalarAndSequence() throws {
        let root = try parseRoot("""
            n: &n 5
            l: &l [a, b]
            copies: [*n, *l, *n]
            """)
        let copies = try #require(root["copies"]).elements
        try #require(copies.count == 3)
        #expect(copies[0].scalar == "5")
        #expect(copies[1].elements.compactMap(\.scalar) == ["a", "b"])
        #expect(copies[2].scalar == "5")
    }

    @Test("a redefined anchor: later aliases see the latest definition")
    func redefinedAnchor() throws {
        let root = try parseRoot("""
            a: &x first
            b: *x
            c: &x second
            d: *x
            """)
        #expect(root["b"]?.scalar == "first")
        #expect(root["d"]?.scalar == "second")
    }

    @Test("an alias to an undefined anchor is reported at the alias")
    func undefinedAnchor() throws {
        let result = parse("""
            a: 1
            b: *missing
            """)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(result.diagnostics.count == 1)
        #expect(diagnostic.position == "2:4")
        #expect(diagnostic.message.contains("*missing"))
        #expect(diagnostic.message.contains("no anchor"))
        #expect(diagnostic.location.file == "test.yaml")
    }

    @Test("an alias used before its anchor is undefined")
    func aliasBeforeAnchor() throws {
        let result = parse("""
            early: *later
            late: &later 1
            """)
        #expect(result.diagnostics.map(\.position) == ["1:8"])
    }

    @Test("a recursive alias (&a [*a]) is an error, not a loop")
    func recursiveAlias() throws {
        let result = parse("a: &a [1, *a]\n")
        let diagnostic = try #require(result.diagnostics.first)
        #expect(result.diagnostics.count == 1)
        #expect(diagnostic.position == "1:11")
        #expect(diagnostic.message.contains("*a"))
    }

    @Test("a recursive alias inside a mapping is an error too")
    func recursiveAliasInMapping() throws {
        let result = parse("""
            node: &self
              child: *self
            """)
        #expect(result.diagnostics.map(\.position) == ["2:10"])
    }
}

@Suite("Document twins")
struct DocumentTwinTests {
    @Test("a node read through a twin is the same node, with the same position and text")
    func twinReadsTheSameNodes() throws {
        let document = try #require(parse("a:\n  b: [1, two]\n").document)
        let twin = document.twin()
        #expect(twin !== document)
        let root = try #require(document.root)
        let value = root.entry(at: 0).value.entry(at: 0).value
        let twinned = value.inTwin(twin)
        #expect(twinned.document === twin)
        #expect(twinned.location == value.location && twinned.count == 2)
        #expect(twinned.elements.map(\.scalar) == ["1", "two"])
    }
}
